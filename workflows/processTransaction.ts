import {
  ApplicationFailure,
  CancellationScope,
  CancelledFailure,
  allHandlersFinished,
  condition,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import {
  AmountMinorKey,
  type AttentionReason,
  AttentionReasonKey,
  type CancelNote,
  cancelNoteSignal,
  CompanyIdKey,
  type ProcessTransactionInput,
  type ResolveDecision,
  resolveSignal,
  type RetryTransferRequest,
  retryTransferSignal,
  statusQuery,
  type TransactionFacts,
  type TransactionStatus,
  TransactionStatusKey,
  type TransactionStatusView,
  transferIdempotencyKey,
  type TransferState,
  transferTaskQueueFor,
  type TransferUpdate,
  transferUpdateSignal,
} from '../contract';
import { AuditTrail } from './auditTrail';
import { checkResolveDecision, checkTransferUpdate, normaliseCancelNote, normaliseRetryRequest } from './operatorInput';

// Database writes: quick, idempotent, and worth retrying for as long as it takes.
const DB_RETRY = { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' } as const;
const dbAsActivities = proxyActivities<Activities>({ startToCloseTimeout: '30 seconds', retry: DB_RETRY });
// As local activities they run inside the workflow task that asks for them: no activity task
// to match, no extra workflow task to report back — about half the Temporal writes of a
// payment, which is what limits throughput. Safe because each of them is idempotent: a
// workflow task lost in a crash runs them again and they find their work done.
const dbAsLocalActivities = proxyLocalActivities<Activities>({ startToCloseTimeout: '30 seconds', retry: DB_RETRY });
/** Histories recorded before the switch keep replaying on (remote) activities. */
export const LOCAL_DB_ACTIVITIES_PATCH = 'db-writes-as-local-activities';

// MoniMe refusals that no retry can change; everything else (5xx, 429, timeouts) is retried.
const NON_RETRYABLE_MONIME = ['MonimeRejected', 'MonimeIdempotencyConflict'];

const TERMINAL_TRANSFER = new Set(['completed', 'failed']);

type OperatorMessage = { kind: 'resolve'; decision: ResolveDecision } | { kind: 'retryTransfer'; request: RetryTransferRequest };

/**
 * One MoniMe payment, from webhook to issued ticket, audit trail and the company's money.
 * Workflow id `transaction-<paymentId>` (contract §4).
 */
export async function processTransaction(input: ProcessTransactionInput): Promise<TransactionStatusView> {
  const { transactionId, settings } = input;
  const db = patched(LOCAL_DB_ACTIVITIES_PATCH) ? dbAsLocalActivities : dbAsActivities;

  // Every MoniMe POST goes through the rate-limited transfer queue; the limit is the server's.
  const monime = proxyActivities<Activities>({
    taskQueue: transferTaskQueueFor(workflowInfo().taskQueue),
    startToCloseTimeout: `${settings.transferAttemptTimeoutSeconds ?? 20} seconds`,
    scheduleToCloseTimeout: `${settings.transferGiveUpAfterMinutes} minutes`,
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', nonRetryableErrorTypes: NON_RETRYABLE_MONIME },
  });
  // Reading a transfer moves no money: not rate-limited, and bounded so a poll cannot hang the workflow.
  const monimeRead = proxyActivities<Activities>({
    startToCloseTimeout: '20 seconds',
    scheduleToCloseTimeout: '5 minutes',
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', nonRetryableErrorTypes: NON_RETRYABLE_MONIME },
  });

  const view: TransactionStatusView = {
    transactionId,
    status: 'processing',
    stage: 'received',
    reason: null,
    ticketId: null,
    companyId: null,
    amount: input.amount,
    expectedAmount: null,
    commission: null,
    net: null,
    transfer: null,
    attempts: 0,
    lastError: null,
    decisions: [],
    cancelRefusedReason: null,
  };
  const audit = new AuditTrail('transaction', transactionId, settings);
  const actorSystem = 'fareflow';
  const snapshot = () => ({ status: view.status, stage: view.stage, reason: view.reason });
  const record = (action: string, actor: string, before: unknown, after: unknown) =>
    audit.record(action, { actor, companyId: view.companyId, before, after });

  // ---- operator and MoniMe messages ----
  const inbox: OperatorMessage[] = [];
  const transferUpdates = new Map<string, TransferUpdate>();
  let pollNow = false;
  let cancelRequested = false;
  let cancelNote: CancelNote | null = null;
  let destinationAccountId: string | null = null;
  /** True once a transfer request may have reached MoniMe and was not answered `failed`. */
  let transferMayExist = false;

  const now = () => new Date().toISOString();
  const decide = (entry: Omit<TransactionStatusView['decisions'][number], 'at'>) => {
    view.decisions.push({ ...entry, at: now() });
    record(`operator_${entry.kind}`, entry.operator ?? 'operator', snapshot(), { ...entry });
    audit.flush();
  };

  setHandler(statusQuery, () => view);
  setHandler(transferUpdateSignal, (input) => {
    const update = checkTransferUpdate(input);
    // Only final news is kept: a late `pending` must not overwrite a `completed`.
    if (update && TERMINAL_TRANSFER.has(update.status) && !transferUpdates.has(update.transferId)) transferUpdates.set(update.transferId, update);
  });
  setHandler(cancelNoteSignal, (input) => {
    cancelNote = normaliseCancelNote(input);
  });
  // An operator may act as soon as the status says needs_attention, even before the
  // workflow has reached its waiting point in the same task.
  const waitsForOperator = () => view.stage === 'awaiting_operator' || (view.status === 'needs_attention' && view.reason !== 'stalled');
  setHandler(resolveSignal, (input) => {
    const checked = checkResolveDecision(input);
    if (!checked.ok) return decide({ kind: 'resolve', ...checked.seen, outcome: `ignored: ${checked.problem}` });
    const decision = checked.value;
    if (waitsForOperator()) inbox.push({ kind: 'resolve', decision });
    else decide({ kind: 'resolve', decision: decision.decision, note: decision.note, operator: decision.operator, outcome: `ignored: the transaction is ${view.stage}, not waiting for an operator` });
  });
  setHandler(retryTransferSignal, (input) => {
    const request = normaliseRetryRequest(input);
    if (view.stage === 'awaiting_transfer') {
      pollNow = true;
      decide({ kind: 'retryTransfer', note: request.note, operator: request.operator, outcome: 'the transfer is asked again for its status' });
    } else if (waitsForOperator()) inbox.push({ kind: 'retryTransfer', request });
    else decide({ kind: 'retryTransfer', note: request.note, operator: request.operator, outcome: `ignored: the transaction is ${view.stage}` });
  });
  CancellationScope.current().cancelRequested.catch(() => {
    cancelRequested = true;
  });

  // ---- state changes: workflow view, search attributes and database move together ----
  const publish = async (status: TransactionStatus, reason: AttentionReason | null, resolution?: Record<string, unknown>) => {
    view.status = status;
    view.reason = reason;
    upsertSearchAttributes([
      { key: TransactionStatusKey, value: status },
      { key: AttentionReasonKey, value: reason },
      { key: AmountMinorKey, value: input.amount.value },
      ...(view.companyId ? [{ key: CompanyIdKey, value: view.companyId }] : []),
    ]);
    await db.setTransactionStatus({ transactionId, status, reason, resolution });
  };

  const needsAttention = async (reason: AttentionReason, detail?: unknown) => {
    const before = snapshot();
    await publish('needs_attention', reason);
    record('needs_attention', actorSystem, before, { ...snapshot(), detail: detail ?? null });
  };

  const adopt = (facts: TransactionFacts) => {
    view.ticketId = facts.ticketId;
    view.expectedAmount = facts.expectedAmount ?? null;
    view.companyId = facts.companyId;
    view.commission = facts.commission;
    view.net = facts.net;
    destinationAccountId = facts.destinationAccountId;
  };

  /** Ends the transaction without moving money: the seat is released, the reason audited. */
  const closeWithoutTransfer = async (kind: 'reject' | 'cancel', who: { operator: string; note: string }) => {
    const before = snapshot();
    const released = await db.releaseTicketOfTransaction(transactionId);
    view.stage = kind === 'reject' ? 'rejected' : 'cancelled';
    const resolution = kind === 'reject' ? { decision: 'reject', refundDue: true, ...who } : { decision: 'cancel', ...who };
    await publish('cancelled', view.reason, resolution);
    record(kind === 'reject' ? 'rejected' : 'cancelled', who.operator, before, { ...snapshot(), ticket: released, ...resolution });
  };

  const cancelWho = () => {
    const note = cancelNote as CancelNote | null;
    return { operator: note?.operator ?? 'temporal-cancel', note: note?.reason || 'cancelled through Temporal' };
  };

  /** Cancellation is honoured only while no money can have moved. */
  const refuseCancellation = (why: string) => {
    if (view.cancelRefusedReason !== null) return;
    view.cancelRefusedReason = why;
    // A refused request is answered, not kept pending for a later moment the operator did not choose.
    cancelRequested = false;
    decide({ kind: 'cancel', operator: cancelWho().operator, note: cancelWho().note, outcome: `refused: ${why}` });
  };

  /** Messages queued behind the one that settled the matter are answered, not dropped. */
  const answerQueuedMessages = (why: string) => {
    for (const message of inbox.splice(0)) {
      if (message.kind === 'resolve') decide({ kind: 'resolve', decision: message.decision.decision, note: message.decision.note, operator: message.decision.operator, outcome: `ignored: ${why}` });
      else decide({ kind: 'retryTransfer', note: message.request.note, operator: message.request.operator, outcome: `ignored: ${why}` });
    }
  };

  // ---- waiting for an operator ----
  const nextOperatorMessage = async (): Promise<OperatorMessage | 'cancel'> => {
    view.stage = 'awaiting_operator';
    audit.flush();
    await condition(() => inbox.length > 0 || cancelRequested);
    return inbox.shift() ?? 'cancel';
  };

  /** A payment that could not be applied: accept it as paid, or reject it for a refund. */
  const resolveUnappliedPayment = async (): Promise<'accepted' | 'closed'> => {
    for (;;) {
      const message = await nextOperatorMessage();
      if (message === 'cancel') {
        await closeWithoutTransfer('cancel', cancelWho());
        return 'closed';
      }
      if (message.kind === 'retryTransfer') {
        decide({ kind: 'retryTransfer', ...message.request, outcome: 'ignored: no transfer to retry, the payment is not applied' });
        continue;
      }
      const { decision } = message;
      if (decision.decision === 'reject') {
        decide({ kind: 'resolve', ...decision, outcome: 'rejected: refund due, no transfer' });
        await closeWithoutTransfer('reject', decision);
        return 'closed';
      }
      const accepted = await db.acceptPayment(transactionId);
      if (!accepted.accepted) {
        decide({ kind: 'resolve', ...decision, outcome: `refused: ${accepted.refusal}` });
        continue;
      }
      adopt(accepted.facts);
      decide({ kind: 'resolve', ...decision, outcome: 'accepted: ticket issued for the amount paid' });
      answerQueuedMessages('already accepted');
      await publish('processing', null, { decision: 'accept', note: decision.note, operator: decision.operator });
      return 'accepted';
    }
  };

  // ---- the transfer ----
  let round = 0;

  const awaitFinalTransferState = async (state: TransferState): Promise<TransferState> => {
    let pollDelayMs = settings.transferPollAfterSeconds * 1000;
    while (!TERMINAL_TRANSFER.has(state.status) && state.transferId !== null) {
      view.stage = 'awaiting_transfer';
      audit.flush();
      const transferId = state.transferId;
      const signalled = await condition(() => transferUpdates.has(transferId) || pollNow, pollDelayMs);
      const update = transferUpdates.get(transferId);
      if (signalled && update) {
        await db.recordTransferUpdate({ transactionId, round, transferId, status: update.status, failureReason: update.failureReason ?? null });
        state = { ...state, status: update.status, failureReason: update.failureReason ?? null };
      } else {
        pollNow = false;
        try {
          state = await monimeRead.checkTransfer({ transactionId, round, transferId });
        } catch (error) {
          view.lastError = describeFailure(error);
        }
        // No webhook yet: ask again, less often, instead of hammering MoniMe.
        pollDelayMs = Math.min(pollDelayMs * 2, 10 * 60 * 1000);
      }
      if (view.transfer) view.transfer.status = state.status;
    }
    return state;
  };

  /** One attempt to move `net`; true when MoniMe confirms it completed. */
  const attemptTransfer = async (): Promise<boolean> => {
    view.stage = 'transferring';
    view.attempts += 1;
    const idempotencyKey = transferIdempotencyKey(transactionId, round);
    view.transfer = { id: null, status: 'requested', idempotencyKey, round };
    record('transfer_requested', actorSystem, null, { net: view.net, idempotencyKey, round, destinationAccountId });
    let state: TransferState;
    try {
      transferMayExist = true;
      state = await monime.requestTransfer({
        transactionId,
        round,
        net: { currency: input.amount.currency, value: view.net ?? 0 },
        destinationAccountId: destinationAccountId ?? '',
      });
    } catch (error) {
      // A rejected request moved nothing; an exhausted one may have (its answer was lost).
      if (isMonimeRejection(error)) transferMayExist = false;
      view.lastError = describeFailure(error);
      view.transfer.status = 'failed';
      record('transfer_failed', 'monime', null, { error: view.lastError, round, moneyMayHaveMoved: transferMayExist });
      return false;
    }
    view.transfer = { id: state.transferId, status: state.status, idempotencyKey, round };
    state = await awaitFinalTransferState(state);
    view.transfer.status = state.status;
    if (state.status === 'completed') {
      record('transfer_completed', 'monime', null, { transferId: state.transferId, net: view.net, round });
      return true;
    }
    // MoniMe said `failed`: nothing moved, and that key is spent.
    transferMayExist = false;
    view.lastError = state.failureReason ?? 'transfer failed';
    record('transfer_failed', 'monime', null, { transferId: state.transferId, reason: view.lastError, round });
    round += 1;
    return false;
  };

  /** Transfers until MoniMe confirms, or an operator closes the transaction. */
  const transferNet = async (): Promise<'completed' | 'closed'> => {
    for (;;) {
      if (await attemptTransfer()) return 'completed';
      await needsAttention('transfer_failed', { lastError: view.lastError });
      for (;;) {
        const message = await nextOperatorMessage();
        if (message === 'cancel' || (message.kind === 'resolve' && message.decision.decision === 'reject')) {
          if (transferMayExist) {
            const why = 'a transfer may have reached MoniMe; retryTransfer first to learn its outcome';
            if (message === 'cancel') refuseCancellation(why);
            else decide({ kind: 'resolve', ...message.decision, outcome: `refused: ${why}` });
            continue;
          }
          const who = message === 'cancel' ? cancelWho() : message.decision;
          if (message !== 'cancel') decide({ kind: 'resolve', ...message.decision, outcome: 'rejected: refund due, no transfer' });
          await closeWithoutTransfer(message === 'cancel' ? 'cancel' : 'reject', who);
          return 'closed';
        }
        // retryTransfer, or resolve/accept: both mean "try the transfer again".
        const who = message.kind === 'retryTransfer' ? message.request : message.decision;
        decide({ kind: message.kind, note: who.note, operator: who.operator, outcome: `transfer retried (round ${round})` });
        answerQueuedMessages('the transfer is already being retried');
        await publish('processing', null);
        break;
      }
    }
  };

  // ---- stuck detection: nothing failed, but the transaction has not finished ----
  CancellationScope.nonCancellable(async () => {
    await sleep(settings.stallTimeoutSeconds * 1000);
    if (view.status === 'processing' && !isFinished(view.stage)) {
      await needsAttention('stalled', { stage: view.stage });
      audit.flush();
    }
  }).catch(() => undefined);

  // ---- the transaction ----
  // Everything below runs to its own end: a cancel request is observed, then honoured or refused.
  let outcome: 'completed' | 'closed' = 'closed';
  await CancellationScope.nonCancellable(async () => {
    record('received', 'monime', null, { amount: input.amount, paymentCodeId: input.paymentCodeId, eventId: input.eventId, paidAt: input.paidAt });
    upsertSearchAttributes([
      { key: TransactionStatusKey, value: 'processing' },
      { key: AmountMinorKey, value: input.amount.value },
    ]);
    view.stage = 'applying';
    const applied = await db.applyPayment({
      transactionId,
      workflowId: workflowInfo().workflowId,
      eventId: input.eventId,
      paymentCodeId: input.paymentCodeId,
      amount: input.amount,
    });
    adopt(applied);
    if (applied.outcome === 'needs_attention') {
      await needsAttention(applied.reason ?? 'unknown_payment_code', { paid: input.amount, expected: view.expectedAmount });
      if ((await resolveUnappliedPayment()) === 'closed') return;
    } else {
      if (view.companyId) upsertSearchAttributes([{ key: CompanyIdKey, value: view.companyId }]);
      record('applied', actorSystem, { ticket: 'reserved' }, { ticket: 'issued', ticketId: view.ticketId, commission: view.commission, net: view.net });
    }
    if (cancelRequested) {
      await closeWithoutTransfer('cancel', cancelWho());
      return;
    }
    const transferWatch = watchCancellationDuringTransfer(() => cancelRequested, refuseCancellation);
    outcome = await transferNet();
    transferWatch.stop();
    if (outcome === 'completed') {
      const before = snapshot();
      view.stage = 'completed';
      await publish('completed', null);
      record('completed', actorSystem, before, { ...snapshot(), commission: view.commission, net: view.net, transferId: view.transfer?.id ?? null });
    }
  });

  answerQueuedMessages(`the transaction is ${view.stage}`);
  await audit.delivered();
  await condition(allHandlersFinished);
  if (cancelRequested && view.stage === 'cancelled') throw new CancelledFailure(`transaction cancelled: ${cancelWho().note}`);
  return view;
}

function isFinished(stage: TransactionStatusView['stage']): boolean {
  return stage === 'completed' || stage === 'cancelled' || stage === 'rejected';
}

/** While money may be moving, a cancel request is answered with a reason, not obeyed. */
function watchCancellationDuringTransfer(cancelRequested: () => boolean, refuse: (why: string) => void): { stop(): void } {
  let stopped = false;
  void condition(() => stopped || cancelRequested()).then(() => {
    if (!stopped) refuse('the transfer to the company is under way or done; resolve it instead');
  });
  return {
    stop() {
      stopped = true;
    },
  };
}

function isMonimeRejection(error: unknown): boolean {
  const cause = (error as { cause?: unknown }).cause;
  return cause instanceof ApplicationFailure && cause.type === 'MonimeRejected';
}

function describeFailure(error: unknown): string {
  const cause = (error as { cause?: { message?: string } }).cause;
  const message = cause?.message ?? (error as Error).message ?? String(error);
  return message.slice(0, 500);
}
