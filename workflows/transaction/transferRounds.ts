/**
 * Moving the company's net: one MoniMe transfer per round, under the round's idempotency
 * key. A new round starts only after MoniMe said the last one `failed` and an operator asked
 * again; until MoniMe answers, a transfer that may have reached it blocks cancel and reject
 * (cancelPolicy.ts).
 */
import { ApplicationFailure, condition, patched } from '@temporalio/workflow';
import { transferIdempotencyKey, type TransactionSettings, type TransferActivities, type TransferState } from '../../contract';
import type { DatabaseActivities } from './activities';
import { mayCloseWithoutTransfer, REJECTED_OUTCOME } from './cancelPolicy';
import type { TransactionInbox } from './inbox';
import { STICKY_TRANSFER_MAY_EXIST_PATCH, UNCONFIRMED_TRANSFER_KEEPS_ROUND_PATCH } from './patches';
import { SYSTEM_ACTOR, type TransactionState } from './state';

const FINAL_TRANSFER_STATUSES = new Set(['completed', 'failed']);
const LONGEST_POLL_MS = 10 * 60 * 1000;

export interface TransferCalls {
  monime: Pick<TransferActivities, 'requestTransfer'>;
  monimeRead: Pick<TransferActivities, 'checkTransfer'>;
  db: Pick<DatabaseActivities, 'recordTransferUpdate'>;
}

export class TransferRounds {
  /** True once a transfer request may have reached MoniMe and was not answered `failed`. */
  private transferMayExist = false;
  /**
   * Once any attempt of this round may have reached MoniMe, only MoniMe's own answer for the
   * round's key clears `transferMayExist`: a later 4xx says nothing of what an earlier,
   * timed-out attempt did.
   */
  private roundMayHaveReachedMonime = false;

  constructor(
    private readonly state: TransactionState,
    private readonly inbox: TransactionInbox,
    private readonly calls: TransferCalls,
    private readonly settings: TransactionSettings,
    /** Where the database says the transfer stands: a new run resumes there, never at an older key. */
    private round = 0,
  ) {}

  /** Transfers until MoniMe confirms, or an operator closes the transaction. */
  async transferNet(): Promise<'completed' | 'closed'> {
    for (;;) {
      if (await this.attempt()) return 'completed';
      await this.state.needsAttention('transfer_failed', { lastError: this.state.view.lastError });
      if ((await this.afterFailedTransfer()) === 'closed') return 'closed';
    }
  }

  /**
   * The operator's answer to a failed transfer: try again, or close without moving money
   * (a cancel or a reject, as the cancel policy allows: cancelPolicy.ts).
   */
  private async afterFailedTransfer(): Promise<'retry' | 'closed'> {
    const { state, inbox } = this;
    for (;;) {
      const message = await inbox.nextOperatorMessage();
      if (message === 'cancel' || (message.kind === 'resolve' && message.decision.decision === 'reject')) {
        const verdict = mayCloseWithoutTransfer({
          stage: 'operator_wait_after_failed_transfer',
          transferMayExist: this.transferMayExist,
        });
        if (!verdict.honour) {
          if (message === 'cancel') inbox.refuseCancellation(verdict.reason);
          else inbox.decide({ kind: 'resolve', ...message.decision, outcome: `refused: ${verdict.reason}` });
          continue;
        }
        const who = message === 'cancel' ? inbox.cancelledBy() : message.decision;
        if (message !== 'cancel') inbox.decide({ kind: 'resolve', ...message.decision, outcome: REJECTED_OUTCOME });
        await state.closeWithoutTransfer(message === 'cancel' ? 'cancel' : 'reject', who);
        return 'closed';
      }
      // retryTransfer, or resolve/accept: both mean "try the transfer again".
      const who = message.kind === 'retryTransfer' ? message.request : message.decision;
      inbox.decide({ kind: message.kind, note: who.note, operator: who.operator, outcome: `transfer retried (round ${this.round})` });
      inbox.answerQueuedMessages('the transfer is already being retried');
      await state.publish('processing', null);
      return 'retry';
    }
  }

  /** One attempt to move `net`; true when MoniMe confirms it completed. */
  private async attempt(): Promise<boolean> {
    const { state, round } = this;
    const { view } = state;
    view.stage = 'transferring';
    view.attempts += 1;
    const idempotencyKey = transferIdempotencyKey(state.transactionId, round);
    view.transfer = { id: null, status: 'requested', idempotencyKey, round };
    state.record('transfer_requested', SYSTEM_ACTOR, null, {
      net: view.net,
      idempotencyKey,
      round,
      destinationAccountId: state.destinationAccountId,
    });
    let transfer: TransferState;
    try {
      this.transferMayExist = true;
      transfer = await this.calls.monime.requestTransfer({
        transactionId: state.transactionId,
        round,
        net: { currency: state.input.amount.currency, value: view.net ?? 0 },
        destinationAccountId: state.destinationAccountId ?? '',
        giveUpAfterMinutes: this.settings.transferGiveUpAfterMinutes,
      });
    } catch (error) {
      // A rejected request moved nothing; an exhausted one may have (its answer was lost).
      if (isMonimeRejection(error)) {
        const nothingSent = rejectedOnFirstAttempt(error) && !this.roundMayHaveReachedMonime;
        if (nothingSent || !patched(STICKY_TRANSFER_MAY_EXIST_PATCH)) this.transferMayExist = false;
      }
      if (this.transferMayExist) this.roundMayHaveReachedMonime = true;
      view.lastError = describeFailure(error);
      view.transfer.status = 'failed';
      state.record('transfer_failed', 'monime', null, { error: view.lastError, round, moneyMayHaveMoved: this.transferMayExist });
      return false;
    }
    view.transfer = { id: transfer.transferId, status: transfer.status, idempotencyKey, round };
    transfer = await this.awaitFinalState(transfer);
    view.transfer.status = transfer.status;
    if (transfer.status === 'completed') {
      state.record('transfer_completed', 'monime', null, { transferId: transfer.transferId, net: view.net, round });
      return true;
    }
    if (transfer.status !== 'failed' && patched(UNCONFIRMED_TRANSFER_KEEPS_ROUND_PATCH)) {
      // Not final, and no id to wait for or poll: it may still complete. The same key, asked
      // again on retry, returns whatever MoniMe made of it; a new round's key could pay twice.
      this.roundMayHaveReachedMonime = true;
      view.lastError = `MoniMe answered ${transfer.status} without a transfer id`;
      state.record('transfer_unconfirmed', 'monime', null, { status: transfer.status, round });
      return false;
    }
    // MoniMe said `failed`: nothing moved, and that key is spent.
    this.transferMayExist = false;
    this.roundMayHaveReachedMonime = false;
    view.lastError = transfer.failureReason ?? 'transfer failed';
    state.record('transfer_failed', 'monime', null, { transferId: transfer.transferId, reason: view.lastError, round });
    this.round += 1;
    return false;
  }

  /** A pending transfer: the internal_transfer.* webhook, or a poll that asks less and less often. */
  private async awaitFinalState(transfer: TransferState): Promise<TransferState> {
    const { state, inbox, round } = this;
    let pollDelayMs = this.settings.transferPollAfterSeconds * 1000;
    while (!FINAL_TRANSFER_STATUSES.has(transfer.status) && transfer.transferId !== null) {
      state.view.stage = 'awaiting_transfer';
      state.audit.flush();
      const transferId = transfer.transferId;
      const signalled = await condition(() => inbox.transferNewsOf(transferId) !== undefined || inbox.pollNow, pollDelayMs);
      const news = inbox.transferNewsOf(transferId);
      if (signalled && news) {
        const failureReason = news.failureReason ?? null;
        await this.calls.db.recordTransferUpdate({
          transactionId: state.transactionId,
          round,
          transferId,
          status: news.status,
          failureReason,
        });
        transfer = { ...transfer, status: news.status, failureReason };
      } else {
        inbox.pollNow = false;
        try {
          transfer = await this.calls.monimeRead.checkTransfer({ transactionId: state.transactionId, round, transferId });
        } catch (error) {
          state.view.lastError = describeFailure(error);
        }
        pollDelayMs = Math.min(pollDelayMs * 2, LONGEST_POLL_MS);
      }
      if (state.view.transfer) state.view.transfer.status = transfer.status;
    }
    return transfer;
  }
}

function isMonimeRejection(error: unknown): boolean {
  const cause = (error as { cause?: unknown }).cause;
  return cause instanceof ApplicationFailure && cause.type === 'MonimeRejected';
}

/** The activity reports its attempt (activities/transfers.ts); on the first, no earlier request existed. */
function rejectedOnFirstAttempt(error: unknown): boolean {
  const cause = (error as { cause?: unknown }).cause;
  const details = cause instanceof ApplicationFailure ? (cause.details?.[0] as { attempt?: unknown } | undefined) : undefined;
  return details?.attempt === 1;
}

function describeFailure(error: unknown): string {
  const cause = (error as { cause?: { message?: string } }).cause;
  const message = cause?.message ?? (error as Error).message ?? String(error);
  return message.slice(0, 500);
}
