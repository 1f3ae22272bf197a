import { z } from 'zod';
import { monimeTransferStatuses } from '../../contract';

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

/**
 * `reference` (and `metadata.ticketId`) carry the ticket id fareflow gave the code; read
 * leniently, since a code someone else made in the same MoniMe space may hold anything there.
 */
export const paymentCodeExpiredData = z.object({
  id,
  reference: z.unknown().optional(),
  metadata: z.unknown().optional(),
});

const ticketReference = z.string().min(1).max(200);

/** The ticket an expired code was made for, from its `reference`, else `metadata.ticketId`; null when it names none. */
export function ticketIdOfCode(code: z.infer<typeof paymentCodeExpiredData>): string | null {
  const fromReference = ticketReference.safeParse(code.reference);
  if (fromReference.success) return fromReference.data;
  const fromMetadata = ticketReference.safeParse((code.metadata as { ticketId?: unknown } | null | undefined)?.ticketId);
  return fromMetadata.success ? fromMetadata.data : null;
}

export const internalTransferData = z.object({
  id,
  status: z.enum(monimeTransferStatuses),
  failureDetail: z
    .object({ message: z.string().max(2000).optional() })
    .partial()
    .nullish(),
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
