import { z } from 'zod';

const id = z.string().min(1).max(200);
const amount = z.object({
  currency: z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code'),
  value: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
});

export const envelopeSchema = z.object({
  apiVersion: z.string().min(1).max(50),
  event: z.object({ id, name: z.string().min(1).max(100), timestamp: z.iso.datetime({ offset: true, local: true }) }),
  object: z.object({ id, type: z.string().min(1).max(100) }),
  data: z.unknown(),
});

export const paymentCodeCompletedData = z.object({
  id,
  processedPaymentData: z.object({ paymentId: id, amount }),
});

export const paymentCodeExpiredData = z.object({ id });

export const internalTransferData = z.object({
  id,
  status: z.enum(['pending', 'processing', 'completed', 'failed']),
  failureDetail: z.object({ message: z.string().max(2000).optional() }).partial().nullish(),
  // Absent on transfers fareflow did not make (someone else's, in the same MoniMe space).
  metadata: z.object({ transactionId: id.optional() }).passthrough().nullish(),
});

export type Envelope = z.infer<typeof envelopeSchema>;

/** `data.processedPaymentData.amount.value: expected number` — the path and what is wrong with it. */
export function describeIssue(error: z.ZodError, prefix = ''): string {
  const issue = error.issues[0];
  const path = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
  return `${path || '(body)'}: ${issue.message}`;
}
