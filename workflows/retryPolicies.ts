/**
 * Every retry policy the workflows use, by what it is for. Retries are Temporal's: none of
 * these gives up on its own except where a scheduleToClose beside the proxy says so, a MoniMe
 * transfer past TRANSFER_GIVE_UP_AFTER_MINUTES of failing attempts (activities/transfers.ts,
 * a non-retryable MonimeGaveUp), the one try of an audit batch (AUDIT_WRITE_TRY_RETRY),
 * after which the batcher splits the batch, and a stall sweep (STALL_SWEEP_RETRY), which the
 * next sweep repeats anyway.
 */
import type { RetryPolicy } from '@temporalio/workflow';

/** Database writes: quick, idempotent, and worth retrying for as long as it takes. */
export const DATABASE_RETRY: RetryPolicy = { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' };

/**
 * MoniMe calls: 5xx, 429 and timeouts are retried with backoff capped at 30 s (the load a
 * failing MoniMe sees is at most one call per transaction per 30 s); its refusals are final.
 */
export const MONIME_RETRY: RetryPolicy = {
  initialInterval: '1 second',
  backoffCoefficient: 2,
  maximumInterval: '30 seconds',
  nonRetryableErrorTypes: ['MonimeRejected', 'MonimeIdempotencyConflict'],
};

/** Handing audit events to a batcher that was not running (signal-with-start): never given up. */
export const AUDIT_DELIVERY_RETRY: RetryPolicy = { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' };

/** A batch insert: no attempt limit, an event once signalled is written or the batcher waits. */
export const AUDIT_WRITE_RETRY: RetryPolicy = { initialInterval: '500 milliseconds', backoffCoefficient: 2, maximumInterval: '30 seconds' };

/**
 * One try of a batch insert: a few attempts, then the batcher halves the batch to find what
 * keeps failing. A refusal of the data itself is non-retryable and splits at once.
 */
export const AUDIT_WRITE_TRY_RETRY: RetryPolicy = { ...AUDIT_WRITE_RETRY, maximumAttempts: 4 };

/** Setting a refused event aside: a database write like any other, retried for as long as it takes. */
export const AUDIT_DEAD_LETTER_RETRY: RetryPolicy = DATABASE_RETRY;

/** A stall sweep: a few attempts, then the run ends; the Schedule's next sweep lists again. */
export const STALL_SWEEP_RETRY: RetryPolicy = { initialInterval: '1 second', backoffCoefficient: 2, maximumAttempts: 3 };
