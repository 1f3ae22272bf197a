import { CancellationScope, condition, sleep, workflowInfo } from '@temporalio/workflow';
import type { StallWatchMode, TransactionSettings } from '../../contract';
import type { TransactionInbox } from './inbox';
import type { TransactionState } from './state';

/**
 * Stuck detection: nothing failed, but the transaction has not finished in time. It then
 * shows needs_attention/stalled so operators find it; the transaction itself goes on.
 *
 * Two ways to learn the time has come, chosen by the run's input (`settings.stallWatch`):
 * - `timer` (absent: every run started before the sweeper): a timer of stallTimeoutSeconds,
 *   armed at start — a TimerStarted event and a timer task for every payment, almost all of
 *   which finish long before it.
 * - `sweeper`: no timer; the stall sweeper (workflows/sweepStalledTransactions.ts) finds
 *   transactions still `processing` past STALL_TIMEOUT_SECONDS by a visibility query, keeps
 *   those the database says stalled — time queued behind the transfer rate limit does not
 *   count (db/queries/stalls.ts) — and sends `stallDetected`; a happy-path payment never
 *   hears of it.
 * Either way the check is once, and the same: still `processing` and not finished. It is
 * made when the timer fires or the signal comes: a transaction that waited for an operator
 * at its stall time and is `processing` again later is still checked by the sweeper (its
 * timer, fired during the wait, never looked again).
 *
 * Why the input decides and not `patched()`: the input is recorded in the history's first
 * event (WorkflowExecutionStarted), so every replay of a run reads the same value, and every
 * history recorded so far has no `stallWatch` and replays on the timer path it was recorded
 * with. A patch would do the same job at a price: its marker and the SDK's
 * TemporalChangeVersion upsert, two events in every new run, more than the one timer event
 * it would save. (TWO_TASK_HAPPY_PATH_PATCH's marker is already paid; its meaning, "the
 * two-task shape", stays what it was recorded with, so it cannot carry this change either.)
 */
export function watchForStall(state: TransactionState, inbox: TransactionInbox, settings: TransactionSettings): void {
  const mode = stallWatchMode(settings);
  CancellationScope.nonCancellable(async () => {
    if (mode === 'timer') await sleep(settings.stallTimeoutSeconds * 1000);
    else await condition(() => inbox.stallDetected);
    inbox.stallChecked = true;
    if (state.view.status === 'processing' && !state.isFinished()) {
      await state.needsAttention('stalled', { stage: state.view.stage });
      state.audit.flush();
    }
  }).catch(() => undefined);
}

export function stallWatchMode(settings: TransactionSettings): StallWatchMode {
  return settings.stallWatch ?? 'timer';
}

/**
 * When the transaction's stall time comes (workflow time): a `stallDetected` signal before it
 * is ignored. Counted from the start, as the sweeper counts (visibility's StartTime; a
 * transaction never continues as new, so the chain's start is the run's).
 */
export function stallDueAt(settings: TransactionSettings): number {
  return workflowInfo().startTime.getTime() + settings.stallTimeoutSeconds * 1000;
}
