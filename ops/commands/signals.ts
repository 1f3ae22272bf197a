import { WorkflowNotFoundError } from '@temporalio/client';
import { workflowIdForTransaction } from '../../domain/transactions';
import { cancelNoteSignal, resolveSignal, retryTransferSignal, statusQuery, type TransactionStatusView } from '../../workflows/definitions';
import { OpsError, type OpsContext } from '../context';
import { print } from '../format';

async function runningHandle(ctx: OpsContext, transactionId: string) {
  const handle = ctx.client.workflow.getHandle(workflowIdForTransaction(transactionId));
  let description;
  try {
    description = await handle.describe();
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) throw new OpsError(`no workflow for transaction ${transactionId}`);
    throw error;
  }
  if (description.status.name !== 'RUNNING') {
    throw new OpsError(`transaction ${transactionId} is already ${description.status.name.toLowerCase()}; nothing sent`);
  }
  return handle;
}

export async function retryTransfer(ctx: OpsContext, transactionId: string, opts: { operator: string; note?: string; json?: boolean }): Promise<void> {
  const handle = await runningHandle(ctx, transactionId);
  await handle.signal(retryTransferSignal, { operator: opts.operator, note: opts.note });
  print(!!opts.json, { transactionId, sent: 'retryTransfer' }, () => `retryTransfer sent to ${handle.workflowId}`);
}

export async function resolveTransaction(
  ctx: OpsContext,
  transactionId: string,
  opts: { accept?: boolean; reject?: boolean; note: string; operator: string; json?: boolean },
): Promise<void> {
  if (!!opts.accept === !!opts.reject) throw new OpsError('say exactly one of --accept or --reject');
  const handle = await runningHandle(ctx, transactionId);
  const decision = opts.accept ? 'accept' : 'reject';
  await handle.signal(resolveSignal, { decision, note: opts.note, operator: opts.operator });
  print(!!opts.json, { transactionId, sent: 'resolve', decision }, () => `resolve ${decision} sent to ${handle.workflowId}`);
}

/** Temporal cancel, preceded by the operator's reason; reports whether the workflow honoured it. */
export async function cancelTransaction(ctx: OpsContext, transactionId: string, opts: { reason: string; operator: string; json?: boolean }): Promise<void> {
  const handle = await runningHandle(ctx, transactionId);
  await handle.signal(cancelNoteSignal, { operator: opts.operator, reason: opts.reason });
  await handle.cancel();
  const deadline = Date.now() + 15_000;
  let outcome: { cancelled: boolean; refusedReason: string | null; status: TransactionStatusView | null } = { cancelled: false, refusedReason: null, status: null };
  while (Date.now() < deadline) {
    const description = await handle.describe();
    const status = await handle.query(statusQuery).catch(() => null);
    if (description.status.name === 'CANCELLED' || status?.stage === 'cancelled') {
      outcome = { cancelled: true, refusedReason: null, status };
      break;
    }
    if (status?.cancelRefusedReason) {
      outcome = { cancelled: false, refusedReason: status.cancelRefusedReason, status };
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  print(!!opts.json, { transactionId, ...outcome }, () =>
    outcome.cancelled ? `transaction ${transactionId} cancelled: ticket released, no transfer` : `cancel refused: ${outcome.refusedReason ?? 'no answer within 15 s'}`,
  );
  if (!outcome.cancelled) process.exitCode = 3;
}
