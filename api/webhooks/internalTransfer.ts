import type { Context } from 'koa';
import { transactionExists } from '../../db/queries/apiReads';
import { transferUpdateSignal, workflowIdForTransaction } from '../../contract';
import { HttpError } from '../errors';
import { addLogFields } from '../logFields';
import type { WebhookDeps, WebhookResult } from './context';
import { describeIssue, internalTransferData, type Envelope } from './schemas';
import { WorkflowNotFoundError, recordInTemporal } from './temporalCalls';

/** internal_transfer.completed|failed: wakes the transaction waiting for its transfer. */
export async function handleInternalTransfer(ctx: Context, envelope: Envelope, deps: WebhookDeps): Promise<WebhookResult> {
  const parsed = internalTransferData.safeParse(envelope.data);
  if (!parsed.success) throw new HttpError(400, describeIssue(parsed.error, 'data'));
  const transfer = parsed.data;
  const transactionId = transfer.metadata?.transactionId;
  // Not one of ours: nothing to tell anyone, and MoniMe must not keep redelivering it.
  if (!transactionId) return { status: 'ignored' };
  const workflowId = workflowIdForTransaction(transactionId);
  addLogFields(ctx, { workflowId, transferId: transfer.id });
  const status = envelope.event.name === 'internal_transfer.failed' ? 'failed' : 'completed';
  try {
    await recordInTemporal(
      deps.temporal,
      () =>
        deps.temporal.workflow.getHandle(workflowId).signal(transferUpdateSignal, {
          transferId: transfer.id,
          status,
          failureReason: transfer.failureDetail?.message ?? null,
          eventId: envelope.event.id,
        }),
      (seconds) => deps.metrics.temporalStartSeconds.observe({ operation: 'signal' }, seconds),
      deps.slots,
    );
  } catch (error) {
    if (!(error instanceof WorkflowNotFoundError)) throw error;
    // The transaction already finished (it learned the outcome by polling): nothing left to
    // tell it. A transaction we never had is not a duplicate of anything.
    const known = await transactionExists(deps.db, transactionId).catch(() => {
      // Unknown either way: MoniMe must deliver again, as it would after any outage.
      throw new HttpError(503, 'database unavailable; nothing was recorded, deliver again');
    });
    return known ? { status: 'duplicate', workflowId } : { status: 'ignored' };
  }
  return { status: 'accepted', workflowId };
}
