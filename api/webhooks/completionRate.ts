import { createSecondCounts } from './secondCounts';

/** Only the time is needed here; the slots' clock (with timers) fits. */
export interface NowClock {
  now(): number;
}

/** Completions counted for the rate, in one-second buckets. */
const RATE_WINDOW_SECONDS = 10;

/** Completions per second over the last RATE_WINDOW_SECONDS (or since start, when younger), counted in one-second buckets. */
export function createCompletionRate(clock: NowClock): { record(): void; perSecond(): number } {
  const startedAt = clock.now();
  const counts = createSecondCounts(RATE_WINDOW_SECONDS);
  return {
    record(): void {
      counts.add(Math.floor(clock.now() / 1000));
    },
    /** Completions per second over the window (or since start, when younger), or 0. */
    perSecond(): number {
      const now = clock.now();
      const second = Math.floor(now / 1000);
      let completed = 0;
      for (let ago = 0; ago < RATE_WINDOW_SECONDS; ago++) completed += counts.get(second - ago);
      const elapsed = Math.min(RATE_WINDOW_SECONDS, Math.max(1, (now - startedAt) / 1000));
      return completed / elapsed;
    },
  };
}
