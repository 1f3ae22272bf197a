import {
  CancellationScope,
  CancelledFailure,
  allHandlersFinished,
  condition,
  patched,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import {
  AmountMinorKey,
  CompanyIdKey,
  TransactionStatusKey,
  type ApplyPaymentResult,
  type ProcessTransactionInput,
  type TransactionStatusView,
} from '../../contract';
import { AuditTrail } from '../auditTrail';
import { databaseActivities, monimeReads, monimeTransfers, type DatabaseActivities } from './activities';
import { mayCloseWithoutTransfer, runEndsCancelled } from './cancelPolicy';
import { TransactionInbox } from './inbox';
import { FINISH_OUTSIDE_CANCELLED_SCOPE_PATCH, TWO_TASK_HAPPY_PATH_PATCH } from './patches';
import { SYSTEM_ACTOR, TransactionState } from './state';
import { watchForStall } from './stallWatch';
import { TransferRounds } from './transferRounds';
import { resolveUnappliedPayment } from './unappliedPayment';

/**
 * One MoniMe payment, from webhook to issued ticket, audit trail and the company's money.
 * Workflow id `transaction-<paymentId>` (contract §4).
 */
export async function processTransaction(input: ProcessTransactionInput): Promise<TransactionStatusView> {
  // The input, recorded in the first event, answers for runs the API started knowing the shape;
  // older runs replay on what their patch marker (or its absence) says (contract: settings.shape).
  const compact = input.settings.shape === 2 || patched(TWO_TASK_HAPPY_PATH_PATCH);
  const db = databaseActivities(compact);
  const state = new TransactionState(input, new AuditTrail('transaction', input.transactionId, input.settings), db, compact);
  const inbox = new TransactionInbox(state);
  inbox.listen();
  const monime = { monime: monimeTransfers(input.settings), monimeRead: monimeReads(), db };
  watchForStall(state, inbox, input.settings);

  // Everything below runs to its own end: a cancel request is observed, then honoured or refused
  // as the cancel policy says (cancelPolicy.ts).
  await CancellationScope.nonCancellable(async () => {
    const applied = await applyPayment(state, db);
    if (applied.outcome === 'settled') return;
    if (applied.outcome === 'needs_attention' && (await resolveUnappliedPayment(state, inbox, db)) === 'closed') return;
    if (inbox.cancelRequested && mayCloseWithoutTransfer({ stage: 'before_transfer' }).honour)
      return state.closeWithoutTransfer('cancel', inbox.cancelledBy());
    const refusingCancel = inbox.refuseCancellationWhileTransferring();
    const outcome = await new TransferRounds(state, inbox, monime, input.settings, applied.transferRound ?? 0).transferNet();
    refusingCancel.stop();
    if (outcome === 'completed') await complete(state);
  });

  const finish = async () => {
    inbox.answerQueuedMessages(`the transaction is ${state.view.stage}`);
    await state.audit.delivered();
    await condition(allHandlersFinished);
  };
  // After a cancel request the root scope is cancelled, and waiting in it would end a run
  // whose cancel was refused as CANCELLED although its money moved.
  if (inbox.cancelSeen && patched(FINISH_OUTSIDE_CANCELLED_SCOPE_PATCH)) await CancellationScope.nonCancellable(finish);
  else await finish();
  if (runEndsCancelled({ cancelStands: inbox.cancelRequested, stage: state.view.stage }))
    throw new CancelledFailure(`transaction cancelled: ${inbox.cancelledBy().note}`);
  return state.view;
}

/** Issues the ticket, or says why the payment cannot be applied as it came, or that it was settled before. */
async function applyPayment(state: TransactionState, db: DatabaseActivities): Promise<ApplyPaymentResult> {
  const { input, view } = state;
  state.record('received', 'monime', null, {
    amount: input.amount,
    paymentCodeId: input.paymentCodeId,
    eventId: input.eventId,
    paidAt: input.paidAt,
  });
  const startAttributes = [
    { key: TransactionStatusKey, value: 'processing' },
    { key: AmountMinorKey, value: input.amount.value },
  ];
  // The API sets these at start; a run started without them (an older API) still gets them.
  state.upsertAttributes(startAttributes);
  view.stage = 'applying';
  const applied = await db.applyPayment({
    transactionId: input.transactionId,
    workflowId: workflowInfo().workflowId,
    eventId: input.eventId,
    paymentCodeId: input.paymentCodeId,
    amount: input.amount,
  });
  state.adopt(applied);
  if (applied.outcome === 'settled') {
    foundSettled(state, applied);
  } else if (applied.outcome === 'needs_attention') {
    await state.needsAttention(applied.reason ?? 'unknown_payment_code', { paid: input.amount, expected: view.expectedAmount });
  } else {
    state.upsertAttributes(view.companyId ? [{ key: CompanyIdKey, value: view.companyId }] : []);
    state.record(
      'applied',
      SYSTEM_ACTOR,
      { ticket: 'reserved' },
      { ticket: 'issued', ticketId: view.ticketId, commission: view.commission, net: view.net },
    );
  }
  return applied;
}

/**
 * A second run for a payment whose first run Temporal no longer remembers, and which was
 * completed, cancelled or rejected, or whose money moved: it shows and audits what it found,
 * and changes nothing — no status write, no MoniMe call.
 */
function foundSettled(state: TransactionState, found: ApplyPaymentResult): void {
  const { view } = state;
  view.status = found.status;
  view.reason = found.reason;
  view.stage = found.status === 'cancelled' ? 'cancelled' : 'completed';
  upsertSearchAttributes([
    { key: TransactionStatusKey, value: found.status },
    ...(view.companyId ? [{ key: CompanyIdKey, value: view.companyId }] : []),
  ]);
  state.record('found_settled', SYSTEM_ACTOR, null, {
    status: found.status,
    reason: found.reason,
    transferRound: found.transferRound ?? null,
  });
}

async function complete(state: TransactionState): Promise<void> {
  const { view } = state;
  const before = state.snapshot();
  view.stage = 'completed';
  const recordCompleted = () =>
    state.record('completed', SYSTEM_ACTOR, before, {
      ...state.snapshot(),
      commission: view.commission,
      net: view.net,
      transferId: view.transfer?.id ?? null,
    });
  if (!state.compact) {
    await state.publish('completed', null);
    recordCompleted();
    return;
  }
  // Recorded first, so that the status write hands the whole trail to its batcher.
  view.status = 'completed';
  view.reason = null;
  recordCompleted();
  await state.publish('completed', null, undefined, { handOverAudit: true });
}
