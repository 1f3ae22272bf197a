import { WorkflowIdConflictPolicy, WorkflowIdReusePolicy } from '@temporalio/common';
import type { Context } from 'koa';
import type { ReleaseReservationInput } from '../../workflows/definitions';
import { HttpError } from '../errors';
import { transactionSettings, type WebhookDeps, type WebhookResult } from './context';
import { describeIssue, paymentCodeExpiredData, type Envelope } from './schemas';
import { WorkflowExecutionAlreadyStartedError, recordInTemporal } from './temporalCalls';

/** Releases the reservation through a small workflow, so the release is as durable as the ack. */
export async function handlePaymentCodeExpired(ctx: Context, envelope: Envelope, deps: WebhookDeps): Promise<WebhookResult> {
  const parsed = paymentCodeExpiredData.safeParse(envelope.data);
  if (!parsed.success) throw new HttpError(400, describeIssue(parsed.error, 'data'));
  const workflowId = `payment-code-expired-${parsed.data.id}`;
  ctx.state.logFields = { ...ctx.state.logFields, workflowId };
  const settings = transactionSettings(deps.config);
  const input: ReleaseReservationInput = {
    paymentCodeId: parsed.data.id,
    eventId: envelope.event.id,
    occurredAt: envelope.event.timestamp,
    settings: { auditShards: settings.auditShards, auditBatchSize: settings.auditBatchSize, auditFlushMs: settings.auditFlushMs },
  };
  try {
    await recordInTemporal(
      deps.temporal,
      () =>
        deps.temporal.workflow.start('releaseReservation', {
          workflowId,
          taskQueue: deps.config.temporal.taskQueue,
          args: [input],
          workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
          workflowIdConflictPolicy: WorkflowIdConflictPolicy.FAIL,
        }),
      (seconds) => deps.metrics.temporalStartSeconds.observe({ operation: 'start' }, seconds),
    );
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) return { status: 'duplicate', workflowId };
    throw error;
  }
  return { status: 'accepted', workflowId };
}
