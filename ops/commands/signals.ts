import { WorkflowNotFoundError, type WorkflowHandle } from '@temporalio/client';
import { recordUnsentOperatorAction, transactionStatusOf, type UnsentOperatorAction } from '../../db/queries/ops';
import {
  cancelNoteSignal,
  resolveSignal,
  type ResolveDecision,
  retryTransferSignal,
  statusQuery,
  type TransactionStatusView,
  workflowIdForTransaction,
} from '../../contract';
import { OpsError, type OpsContext } from '../context';
import { print } from '../format';

type Attempt = Omit<UnsentOperatorAction, 'transactionId' | 'outcome'>;

/** Nothing reached the workflow: say so, and leave the attempt in the audit trail. */
async function refuseUnsent(ctx: OpsContext, transactionId: string, attempt: Attempt, why: string): Promise<never> {
  await recordUnsentOperatorAction(ctx.db, { transactionId, ...attempt, outcome: `ignored: ${why}; nothing sent` });
  throw new OpsError(`transaction ${transactionId}: ${why}; nothing sent`);
}

/** Why a workflow cannot take a signal any more, or null while it is running. */
async function closedBecause(ctx: OpsContext, transactionId: string, handle: WorkflowHandle): Promise<string | null> {
  try {
    const description = await handle.describe();
    return description.status.name === 'RUNNING' ? null : `already ${description.status.name.toLowerCase()}`;
  } catch (error) {
    if (!(error instanceof WorkflowNotFoundError)) throw error;
    // Temporal's retention deletes closed executions; the database still knows the outcome.
    const status = await transactionStatusOf(ctx.db, transactionId);
    if (!status) throw new OpsError(`no transaction ${transactionId}: neither a workflow nor a database row`);
    return `already ${status} (its workflow history is no longer kept)`;
  }
}

/**
 * Sends to a running workflow only. The check and the send are not atomic: a workflow that
 * closes in between makes the send fail with WorkflowNotFoundError, answered the same way.
 */
async function sendToRunning(
  ctx: OpsContext,
  transactionId: string,
  attempt: Attempt,
  send: (handle: WorkflowHandle) => Promise<void>,
): Promise<WorkflowHandle> {
  const handle = ctx.client.workflow.getHandle(workflowIdForTransaction(transactionId));
  const closed = await closedBecause(ctx, transactionId, handle);
  if (closed) return refuseUnsent(ctx, transactionId, attempt, closed);
  try {
    await send(handle);
  } catch (error) {
    if (!(error instanceof WorkflowNotFoundError)) throw error;
    return refuseUnsent(ctx, transactionId, attempt, (await closedBecause(ctx, transactionId, handle)) ?? 'closed while sending');
  }
  return handle;
}

export async function retryTransfer(
  ctx: OpsContext,
  transactionId: string,
  opts: { operator: string; note?: string; json?: boolean },
): Promise<void> {
  const request = { operator: opts.operator, note: opts.note };
  const handle = await sendToRunning(ctx, transactionId, { kind: 'retryTransfer', ...request }, (h) =>
    h.signal(retryTransferSignal, request),
  );
  print(!!opts.json, { transactionId, sent: 'retryTransfer' }, () => `retryTransfer sent to ${handle.workflowId}`);
}

/** Checked before any connection is opened: a typo should not wait for a network timeout. */
export function decisionOf(opts: { accept?: boolean; reject?: boolean }): ResolveDecision['decision'] {
  if (!!opts.accept === !!opts.reject) throw new OpsError('say exactly one of --accept or --reject');
  return opts.accept ? 'accept' : 'reject';
}

export async function resolveTransaction(
  ctx: OpsContext,
  transactionId: string,
  opts: { accept?: boolean; reject?: boolean; note: string; operator: string; json?: boolean },
): Promise<void> {
  const decision = { decision: decisionOf(opts), note: opts.note, operator: opts.operator };
  const handle = await sendToRunning(ctx, transactionId, { kind: 'resolve', ...decision }, (h) => h.signal(resolveSignal, decision));
  print(
    !!opts.json,
    { transactionId, sent: 'resolve', decision: decision.decision },
    () => `resolve ${decision.decision} sent to ${handle.workflowId}`,
  );
}

interface CancelOutcome {
  cancelled: boolean;
  refusedReason: string | null;
  status: TransactionStatusView | null;
}

/** The workflow answers a cancel by closing as cancelled, or by a refusal in its status. */
async function awaitCancelAnswer(handle: WorkflowHandle, timeoutMs: number): Promise<CancelOutcome> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [description, status] = await Promise.all([handle.describe(), handle.query(statusQuery).catch(() => null)]);
    if (description.status.name === 'CANCELLED' || status?.stage === 'cancelled') return { cancelled: true, refusedReason: null, status };
    if (status?.cancelRefusedReason) return { cancelled: false, refusedReason: status.cancelRefusedReason, status };
    if (Date.now() > deadline) return { cancelled: false, refusedReason: `no answer within ${timeoutMs / 1000} s`, status };
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Temporal cancel, preceded by the operator's reason; reports whether the workflow honoured it. */
export async function cancelTransaction(
  ctx: OpsContext,
  transactionId: string,
  opts: { reason: string; operator: string; json?: boolean },
): Promise<void> {
  const attempt: Attempt = { kind: 'cancel', operator: opts.operator, note: opts.reason };
  const handle = await sendToRunning(ctx, transactionId, attempt, async (h) => {
    // Temporal takes one cancel request per execution; later ones change nothing. Once the
    // workflow has refused it, a new one would only look ignored.
    const earlier = (await h.query(statusQuery).catch(() => null))?.cancelRefusedReason;
    if (earlier) {
      await refuseUnsent(
        ctx,
        transactionId,
        attempt,
        `a cancel was already refused (${earlier}); use \`resolve --reject\` once no money can have moved`,
      );
    }
    await h.signal(cancelNoteSignal, { operator: opts.operator, reason: opts.reason });
    await h.cancel();
  });
  const outcome = await awaitCancelAnswer(handle, 15_000);
  print(!!opts.json, { transactionId, ...outcome }, () =>
    outcome.cancelled ? `transaction ${transactionId} cancelled: ticket released, no transfer` : `cancel refused: ${outcome.refusedReason}`,
  );
  if (!outcome.cancelled) process.exitCode = 3;
}
