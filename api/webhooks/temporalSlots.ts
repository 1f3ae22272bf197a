import { HttpError } from '../errors';
import { createReturnSchedule, RETRY_AFTER_MAX_SECONDS, RETRY_AFTER_MIN_SECONDS } from './returnSchedule';
import { createSlotTurnover } from './slotTurnover';

export { RETRY_AFTER_MAX_SECONDS, RETRY_AFTER_MIN_SECONDS };

/**
 * The receiver's capacity: at most `maxInFlight` Temporal calls at once per API process, and
 * at most `maxWaiting` webhooks waiting for one. Past that a webhook is refused at once (503
 * with Retry-After) instead of slowing every request down: what is accepted is recorded at
 * full speed, and nothing is queued in memory beyond a short, bounded wait (contract §2: a
 * 2xx still comes only after Temporal has durably accepted the call).
 *
 * The queue is shorter still when calls are slow: only as many wait as can expect a slot
 * within `waitMs` (slotTurnover.ts); one beyond that is refused at once. The decision is made
 * at the door, so a refusal is an immediate answer: a waiter once admitted keeps its place
 * past `waitMs` and is refused only at `waitLimitMs`, when Temporal slowed down or stalled
 * after it was admitted. (Refusing at `waitMs` itself made every waiter the estimate missed a
 * refusal that had waited the whole wait: at 200 webhooks/s those were the slowest 5 % of all
 * 503s, answered after 270 ms instead of 7.)
 *
 * A refusal's Retry-After is booked in a schedule of returns (returnSchedule.ts), from the
 * time the slots need to drain what they hold on, at the pace they complete calls: MoniMe's
 * redeliveries then arrive about as fast as they can be accepted.
 */
export interface TemporalSlotsOptions {
  maxInFlight: number;
  maxWaiting: number;
  /** The wait a webhook may expect: it decides how many are let wait (slotTurnover.ts). */
  waitMs: number;
  /** How long an admitted waiter waits at most before its 503 (never less than `waitMs`). */
  waitLimitMs: number;
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
  /** The Retry-After the next refusal would get (1..30 s), without booking it. */
  retryAfterSeconds(): number;
}

interface Waiter {
  grant(): void;
  timer: unknown;
}

export function createTemporalSlots(options: TemporalSlotsOptions): TemporalSlots {
  const clock = options.clock ?? realClock;
  const maxInFlight = Math.max(1, options.maxInFlight);
  const waitLimitMs = Math.max(options.waitMs, options.waitLimitMs);
  const turnover = createSlotTurnover({ clock, maxInFlight, maxWaiting: options.maxWaiting, waitMs: options.waitMs });
  const returns = createReturnSchedule(clock);
  let inFlight = 0;
  const waiters: Waiter[] = [];

  function refuseIfFull(): void {
    if (inFlight >= maxInFlight && waiters.length >= turnover.waitingRoom()) throw refusal();
  }

  /** Seconds until what is held now (in flight and waiting) should have drained. */
  function drainSeconds(capacity: number): number {
    return Math.ceil((waiters.length + inFlight) / capacity);
  }

  /** A refusal whose Retry-After is booked: the first second from the drain on with room for one more return. */
  function refusal(): AtCapacity {
    const capacity = turnover.capacityPerSecond();
    return new AtCapacity(returns.book(drainSeconds(capacity), capacity));
  }

  function retryAfterSeconds(): number {
    const capacity = turnover.capacityPerSecond();
    return returns.peek(drainSeconds(capacity), capacity);
  }

  function release(): void {
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
    if (waiters.length >= turnover.waitingRoom()) return Promise.reject(refusal());
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
          reject(refusal());
        }, waitLimitMs),
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
        turnover.record(clock.now() - startedAt);
        release();
      }
    },
    refuseIfFull,
    inFlight: () => inFlight,
    waiting: () => waiters.length,
    retryAfterSeconds,
  };
}
