import { HttpError } from '../errors';

/**
 * The receiver's capacity: at most `maxInFlight` Temporal calls at once per API process, and
 * at most `maxWaiting` webhooks waiting up to `waitMs` for one. Past that a webhook is refused
 * at once (503 with Retry-After) instead of slowing every request down: what is accepted is
 * recorded at full speed, and nothing is queued in memory beyond that short, bounded wait
 * (contract §2: a 2xx still comes only after Temporal has durably accepted the call).
 *
 * The queue is shorter still when calls are slow: every slot turns over once per call time,
 * so within `waitMs` only `maxInFlight × waitMs / callMs` waiters can expect a slot. One
 * beyond that would wait the whole `waitMs` only to be refused then; it is refused at once.
 * The call time is the recent mean of calls that held a slot — what Temporal takes, not how
 * much is offered — so a burst after a quiet spell is judged by a fast Temporal and waits.
 */
export interface TemporalSlotsOptions {
  maxInFlight: number;
  maxWaiting: number;
  waitMs: number;
  /** The clock and timers; the real ones unless a test injects its own. */
  clock?: SlotClock;
}

export interface SlotClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(timer: unknown): void;
}

/** Looked up at each call, so Jest's fake timers apply too. */
const realClock: SlotClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (timer) => clearTimeout(timer as NodeJS.Timeout),
};

export const AT_CAPACITY_MESSAGE = 'at capacity: nothing was recorded, deliver again';
export const RETRY_AFTER_MIN_SECONDS = 1;
export const RETRY_AFTER_MAX_SECONDS = 30;
/** Completions counted for the rate, in one-second buckets. */
const RATE_WINDOW_SECONDS = 10;
/** Weight of the latest call in the mean call time: about the last ten calls count. */
const CALL_TIME_WEIGHT = 0.1;

/** The immediate 503 of a receiver at capacity. */
export class AtCapacity extends HttpError {
  constructor(readonly retryAfterSeconds: number) {
    super(503, AT_CAPACITY_MESSAGE, { 'Retry-After': String(retryAfterSeconds) });
    this.name = 'AtCapacity';
  }
}

export interface TemporalSlots {
  /** `call` once a slot is free; AtCapacity when none frees within the wait. The slot is returned however `call` ends. */
  run<T>(call: () => Promise<T>): Promise<T>;
  /** Throws AtCapacity when `run` would refuse at once: lets a caller shed before work it would do first (a database read). */
  refuseIfFull(): void;
  inFlight(): number;
  waiting(): number;
  /** Seconds until the current backlog should have drained at the recent completion rate, 1..30. */
  retryAfterSeconds(): number;
}

interface Waiter {
  grant(): void;
  timer: unknown;
}

/** Completions per second over the last RATE_WINDOW_SECONDS (or since start, when younger), counted in one-second buckets. */
function createCompletionRate(clock: SlotClock): { record(): void; perSecond(): number } {
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

export function createTemporalSlots(options: TemporalSlotsOptions): TemporalSlots {
  const clock = options.clock ?? realClock;
  const maxInFlight = Math.max(1, options.maxInFlight);
  const completions = createCompletionRate(clock);
  let inFlight = 0;
  const waiters: Waiter[] = [];
  let meanCallMs: number | undefined;

  /** How many may wait: maxWaiting, fewer when the recent call time says fewer slots free within the wait. */
  function waitingRoom(): number {
    if (options.waitMs <= 0) return 0;
    if (meanCallMs === undefined) return options.maxWaiting;
    return Math.min(options.maxWaiting, Math.floor((maxInFlight * options.waitMs) / Math.max(1, meanCallMs)));
  }

  function recordCallTime(ms: number): void {
    meanCallMs = meanCallMs === undefined ? ms : meanCallMs + CALL_TIME_WEIGHT * (ms - meanCallMs);
  }

  function refuseIfFull(): void {
    if (inFlight >= maxInFlight && waiters.length >= waitingRoom()) throw new AtCapacity(retryAfterSeconds());
  }

  function retryAfterSeconds(): number {
    const rate = completions.perSecond();
    // Nothing completed lately: Temporal is stalled or the process just started; ask for the longest wait.
    if (rate === 0) return RETRY_AFTER_MAX_SECONDS;
    const seconds = Math.ceil((waiters.length + inFlight) / rate);
    return Math.min(RETRY_AFTER_MAX_SECONDS, Math.max(RETRY_AFTER_MIN_SECONDS, seconds));
  }

  function release(): void {
    completions.record();
    const next = waiters.shift();
    // The slot passes straight to the longest waiter: inFlight stays as it is.
    if (next) next.grant();
    else inFlight--;
  }

  function acquire(): Promise<void> {
    if (inFlight < maxInFlight) {
      inFlight++;
      return Promise.resolve();
    }
    if (waiters.length >= waitingRoom()) return Promise.reject(new AtCapacity(retryAfterSeconds()));
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        grant() {
          clock.clearTimeout(waiter.timer);
          resolve();
        },
        timer: clock.setTimeout(() => {
          const index = waiters.indexOf(waiter);
          if (index < 0) return; // already granted
          waiters.splice(index, 1);
          reject(new AtCapacity(retryAfterSeconds()));
        }, options.waitMs),
      };
      waiters.push(waiter);
    });
  }

  return {
    async run<T>(call: () => Promise<T>): Promise<T> {
      await acquire();
      const startedAt = clock.now();
      try {
        return await call();
      } finally {
        recordCallTime(clock.now() - startedAt);
        release();
      }
    },
    refuseIfFull,
    inFlight: () => inFlight,
    waiting: () => waiters.length,
    retryAfterSeconds,
  };
}
