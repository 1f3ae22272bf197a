import type { NowClock } from './completionRate';
import { createSecondCounts } from './secondCounts';

export const RETRY_AFTER_MIN_SECONDS = 1;
export const RETRY_AFTER_MAX_SECONDS = 30;
/** One bucket per second of the horizon, and one for "now", reused as time moves on. */
const HORIZON = RETRY_AFTER_MAX_SECONDS + 1;

/**
 * When to tell a refused webhook to come back. Every refusal books one return in a second of
 * the next RETRY_AFTER_MAX_SECONDS, and a second takes as many returns as the slots complete
 * calls per second (the caller's estimate): MoniMe's redeliveries come back spread out at the
 * pace they can be accepted, instead of all at once after the same delay, to be refused again.
 * Memory is the horizon's buckets, whatever the load; past the horizon everyone gets its
 * longest wait.
 */
export function createReturnSchedule(clock: NowClock) {
  const booked = createSecondCounts(HORIZON);

  /** The first second, `earliest` seconds from now on, with room for a return; RETRY_AFTER_MAX_SECONDS when none has. */
  function firstFree(earliest: number, perSecond: number): number {
    // Nothing completed lately (Temporal stalled, or the process just started): the longest wait.
    if (!(perSecond > 0) || !Number.isFinite(earliest)) return RETRY_AFTER_MAX_SECONDS;
    const room = Math.max(1, Math.round(perSecond));
    const now = Math.floor(clock.now() / 1000);
    for (let seconds = Math.max(RETRY_AFTER_MIN_SECONDS, earliest); seconds < RETRY_AFTER_MAX_SECONDS; seconds++) {
      if (booked.get(now + seconds) < room) return seconds;
    }
    return RETRY_AFTER_MAX_SECONDS;
  }

  return {
    /** The Retry-After a refusal would get now, without booking it. */
    peek: firstFree,
    /** Books a return and gives its Retry-After in seconds. */
    book(earliest: number, perSecond: number): number {
      const seconds = firstFree(earliest, perSecond);
      booked.add(Math.floor(clock.now() / 1000) + seconds);
      return seconds;
    },
  };
}
