import type { Context } from 'koa';
import { workflowIdForExpiredCode, workflowTypes, type ReleaseReservationInput } from '../../contract';
import { HttpError } from '../errors';
import { addLogFields } from '../logFields';
import { transactionSettings, type WebhookDeps, type WebhookResult } from './context';
import { describeIssue, paymentCodeExpiredData, type Envelope } from './schemas';
import { startWorkflowOnce } from './temporalCalls';

/** Releases the reservation through a small workflow, so the release is as durable as the ack. */
export async function handlePaymentCodeExpired(ctx: Context, envelope: Envelope, deps: WebhookDeps): Promise<WebhookResult> {
  const parsed = paymentCodeExpiredData.safeParse(envelope.data);
  if (!parsed.success) throw new HttpError(400, describeIssue(parsed.error, 'data'));
  const workflowId = workflowIdForExpiredCode(parsed.data.id);
  addLogFields(ctx, { workflowId });
  const settings = transactionSettings(deps.config);
  const input: ReleaseReservationInput = {
    paymentCodeId: parsed.data.id,
    eventId: envelope.event.id,
    occurredAt: envelope.event.timestamp,
    settings: { auditShards: settings.auditShards, auditBatchSize: settings.auditBatchSize, auditFlushMs: settings.auditFlushMs },
  };
  const status = await startWorkflowOnce(deps, workflowTypes.releaseReservation, { workflowId, args: [input] });
  return { status, workflowId };
}
