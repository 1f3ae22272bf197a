/** Only the time is needed here; the slots' clock (with timers) fits. */
export interface NowClock {
  now(): number;
}

/** Completions counted for the rate, in one-second buckets. */
const RATE_WINDOW_SECONDS = 10;

/** Completions per second over the last RATE_WINDOW_SECONDS (or since start, when younger), counted in one-second buckets. */
export function createCompletionRate(clock: NowClock): { record(): void; perSecond(): number } {
  const startedAt = clock.now();
  const bucketSecond = new Array<number>(RATE_WINDOW_SECONDS).fill(-1);
  const bucketCount = new Array<number>(RATE_WINDOW_SECONDS).fill(0);
  return {
    record(): void {
      const second = Math.floor(clock.now() / 1000);
      const i = second % RATE_WINDOW_SECONDS;
      if (bucketSecond[i] !== second) {
        bucketSecond[i] = second;
        bucketCount[i] = 0;
      }
      bucketCount[i]++;
    },
    /** Completions per second over the window (or since start, when younger), or 0. */
    perSecond(): number {
      const now = clock.now();
      const second = Math.floor(now / 1000);
      let completed = 0;
      for (let i = 0; i < RATE_WINDOW_SECONDS; i++) if (bucketSecond[i] > second - RATE_WINDOW_SECONDS) completed += bucketCount[i];
      const elapsed = Math.min(RATE_WINDOW_SECONDS, Math.max(1, (now - startedAt) / 1000));
      return completed / elapsed;
    },
  };
}
