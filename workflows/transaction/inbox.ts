/**
 * Everything that reaches a running transaction from outside: operators' signals, MoniMe's
 * transfer news, and Temporal's cancel request. Handlers only record what came; the
 * process decides what it means at its own waiting points.
 */
import { CancellationScope, condition, patched, setHandler } from '@temporalio/workflow';
import {
  cancelNoteSignal,
  resolveSignal,
  retryTransferSignal,
  stallDetectedSignal,
  stallWatchQuery,
  statusQuery,
  transferUpdateSignal,
  type CancelNote,
  type OperatorDecisionRecord,
  type ResolveDecision,
  type RetryTransferRequest,
  type TransferUpdate,
} from '../../contract';
import { checkResolveDecision, checkTransferUpdate, normaliseCancelNote, normaliseRetryRequest } from '../operatorInput';
import { cancelLeftToOperatorWait, mayCloseWithoutTransfer } from './cancelPolicy';
import { CANCEL_DECIDED_BY_OPERATOR_WAIT_PATCH, STALE_OPERATOR_MESSAGES_PATCH } from './patches';
import { stallDueAt, stallWatchMode } from './stallWatch';
import type { ClosedBy, TransactionState } from './state';

export type OperatorMessage = { kind: 'resolve'; decision: ResolveDecision } | { kind: 'retryTransfer'; request: RetryTransferRequest };

/** A message and the operator case it answered (TransactionState.operatorCase when it came). */
type QueuedMessage = OperatorMessage & { operatorCase: number };

const FINAL_TRANSFER_NEWS = new Set(['completed', 'failed']);

export class TransactionInbox {
  private readonly messages: QueuedMessage[] = [];
  private readonly transferNews = new Map<string, TransferUpdate>();
  /** An operator asked to look at a pending transfer now instead of at the next poll. */
  pollNow = false;
  cancelRequested = false;
  /** Temporal's cancel came at some point, answered or not: the run's root scope is cancelled. */
  cancelSeen = false;
  private cancelNote: CancelNote | null = null;
  /** The stall sweeper said so, at or after the run's stall time (sweeper mode: stallWatch.ts). */
  stallDetected = false;
  /** The stall watch has made its one check; later `stallDetected` signals change nothing. */
  stallChecked = false;

  constructor(private readonly state: TransactionState) {}

  /** Installs the handlers; called once, before the workflow's first await. */
  listen(): void {
    const { view } = this.state;
    setHandler(statusQuery, () => view);
    setHandler(transferUpdateSignal, (input) => {
      const update = checkTransferUpdate(input);
      // Only final news is kept: a late `pending` must not overwrite a `completed`.
      if (update && FINAL_TRANSFER_NEWS.has(update.status) && !this.transferNews.has(update.transferId))
        this.transferNews.set(update.transferId, update);
    });
    setHandler(cancelNoteSignal, (input) => {
      this.cancelNote = normaliseCancelNote(input);
    });
    const { settings } = this.state.input;
    // Recorded whatever the mode: to a run on its timer (an older one) the signal is harmless.
    setHandler(stallDetectedSignal, () => {
      // A sweeper set to a shorter STALL_TIMEOUT_SECONDS than this run started with is early: ignored.
      if (Date.now() >= stallDueAt(settings)) this.stallDetected = true;
    });
    setHandler(stallWatchQuery, () => ({
      awaitsSignal: stallWatchMode(settings) === 'sweeper' && !this.stallChecked,
      dueAt: new Date(stallDueAt(settings)).toISOString(),
    }));
    setHandler(resolveSignal, (input) => this.onResolve(input));
    setHandler(retryTransferSignal, (input) => this.onRetryTransfer(input));
    CancellationScope.current().cancelRequested.catch(() => {
      this.cancelRequested = true;
      this.cancelSeen = true;
    });
  }

  /** Audits an operator message together with what became of it. */
  decide(entry: Omit<OperatorDecisionRecord, 'at'>): void {
    this.state.view.decisions.push({ ...entry, at: new Date().toISOString() });
    this.state.record(`operator_${entry.kind}`, entry.operator ?? 'operator', this.state.snapshot(), { ...entry });
    this.state.audit.flush();
  }

  /** The next operator message, or 'cancel'; the transaction shows it is waiting meanwhile. */
  async nextOperatorMessage(): Promise<OperatorMessage | 'cancel'> {
    this.state.view.stage = 'awaiting_operator';
    this.state.audit.flush();
    for (;;) {
      await condition(() => this.messages.length > 0 || this.cancelRequested);
      const message = this.messages.shift();
      if (!message) return 'cancel';
      if (message.operatorCase === this.state.operatorCase || !patched(STALE_OPERATOR_MESSAGES_PATCH)) return message;
      // Sent while an earlier case was being settled (e.g. a reject during an accept): it
      // answered a situation that has passed, and must not decide this one.
      this.answer(message, 'ignored: sent for an earlier situation that has since been settled');
    }
  }

  /** Messages queued behind the one that settled the matter are answered, not dropped. */
  answerQueuedMessages(why: string): void {
    for (const message of this.messages.splice(0)) this.answer(message, `ignored: ${why}`);
  }

  private answer(message: OperatorMessage, outcome: string): void {
    if (message.kind === 'resolve') {
      const { decision, note, operator } = message.decision;
      this.decide({ kind: 'resolve', decision, note, operator, outcome });
    } else this.decide({ kind: 'retryTransfer', note: message.request.note, operator: message.request.operator, outcome });
  }

  /** Final news of this transfer from an internal_transfer.* webhook, if any came. */
  transferNewsOf(transferId: string): TransferUpdate | undefined {
    return this.transferNews.get(transferId);
  }

  /** Who cancelled and why, as the ops CLI announced it; Temporal's cancel itself says neither. */
  cancelledBy(): ClosedBy {
    const note = this.cancelNote;
    return { operator: note?.operator ?? 'temporal-cancel', note: note?.reason || 'cancelled through Temporal' };
  }

  /** Answers a cancel the cancel policy refused (cancelPolicy.ts): once, with its reason, and no longer pending. */
  refuseCancellation(why: string): void {
    const { view } = this.state;
    if (view.cancelRefusedReason !== null) return;
    view.cancelRefusedReason = why;
    // A refused request is answered, not kept pending for a later moment the operator did not choose.
    this.cancelRequested = false;
    const who = this.cancelledBy();
    this.decide({ kind: 'cancel', operator: who.operator, note: who.note, outcome: `refused: ${why}` });
  }

  /**
   * Watches for a cancel while the transfer rounds run, until `stop()`: the cancel policy
   * (cancelPolicy.ts) refuses it at once, or leaves it to the operator wait after a failed
   * transfer — one decision, one audit event, the right final state. The watch then waits
   * while that wait holds the request, and looks again once it refused it.
   */
  refuseCancellationWhileTransferring(): { stop(): void } {
    let stopped = false;
    const watch = async () => {
      for (;;) {
        await condition(() => stopped || this.cancelRequested);
        if (stopped) return;
        if (!cancelLeftToOperatorWait(this.state.view) || !patched(CANCEL_DECIDED_BY_OPERATOR_WAIT_PATCH)) break;
        await condition(() => stopped || !this.cancelRequested);
      }
      const verdict = mayCloseWithoutTransfer({ stage: 'transferring' });
      if (!verdict.honour) this.refuseCancellation(verdict.reason);
    };
    void watch();
    return {
      stop() {
        stopped = true;
      },
    };
  }

  // An operator may act as soon as the status says needs_attention, even before the
  // workflow has reached its waiting point in the same task.
  private waitsForOperator(): boolean {
    const { view } = this.state;
    return view.stage === 'awaiting_operator' || (view.status === 'needs_attention' && view.reason !== 'stalled');
  }

  private onResolve(input: unknown): void {
    const checked = checkResolveDecision(input);
    if (!checked.ok) return this.decide({ kind: 'resolve', ...checked.seen, outcome: `ignored: ${checked.problem}` });
    const decision = checked.value;
    if (this.waitsForOperator()) this.messages.push({ kind: 'resolve', decision, operatorCase: this.state.operatorCase });
    else {
      const outcome = `ignored: the transaction is ${this.state.view.stage}, not waiting for an operator`;
      this.decide({ kind: 'resolve', decision: decision.decision, note: decision.note, operator: decision.operator, outcome });
    }
  }

  private onRetryTransfer(input: unknown): void {
    const request = normaliseRetryRequest(input);
    const { stage } = this.state.view;
    if (stage === 'awaiting_transfer') {
      this.pollNow = true;
      this.decide({
        kind: 'retryTransfer',
        note: request.note,
        operator: request.operator,
        outcome: 'the transfer is asked again for its status',
      });
    } else if (this.waitsForOperator()) this.messages.push({ kind: 'retryTransfer', request, operatorCase: this.state.operatorCase });
    else
      this.decide({
        kind: 'retryTransfer',
        note: request.note,
        operator: request.operator,
        outcome: `ignored: the transaction is ${stage}`,
      });
  }
}
