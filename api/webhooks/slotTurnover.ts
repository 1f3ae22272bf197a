import { createCompletionRate, type NowClock } from './completionRate';

/** Weight of the latest call in the mean call time: about the last ten calls count. */
const CALL_TIME_WEIGHT = 0.1;

/**
 * How fast the slots turn over, from the calls that held one. The call time is what Temporal
 * takes, not how much is offered, so a burst after a quiet spell is judged by a fast Temporal.
 */
export function createSlotTurnover(opts: { clock: NowClock; maxInFlight: number; maxWaiting: number; waitMs: number }) {
  const completions = createCompletionRate(opts.clock);
  let meanCallMs: number | undefined;

  return {
    /** A call that held a slot for `ms` has ended. */
    record(ms: number): void {
      completions.record();
      meanCallMs = meanCallMs === undefined ? ms : meanCallMs + CALL_TIME_WEIGHT * (ms - meanCallMs);
    },

    /**
     * How many may wait: every slot turns over once per call time, so within the wait only
     * `maxInFlight × waitMs / callMs` waiters can expect one; one beyond that would wait only to
     * be refused. maxWaiting while no call has ended yet.
     */
    waitingRoom(): number {
      if (opts.waitMs <= 0) return 0;
      if (meanCallMs === undefined) return opts.maxWaiting;
      return Math.min(opts.maxWaiting, Math.floor((opts.maxInFlight * opts.waitMs) / Math.max(1, meanCallMs)));
    },

    /**
     * Calls the slots complete per second when every one is busy, which is when anyone is
     * refused: each turns over once per call time (Little's law). Not the recent completion
     * rate, which after a quiet spell counts what was offered. 0 while nothing has completed
     * lately: Temporal is stalled.
     */
    capacityPerSecond(): number {
      const completedPerSecond = completions.perSecond();
      if (completedPerSecond === 0 || meanCallMs === undefined) return completedPerSecond;
      return (opts.maxInFlight * 1000) / Math.max(1, meanCallMs);
    },
  };
}
