import { ApplicationFailure } from '@temporalio/common';

export type MonimeErrorKind = 'non_retryable' | 'retryable' | 'rate_limited' | 'idempotency_conflict';

/** What went wrong talking to MoniMe, and whether asking again can help. */
export class MonimeError extends Error {
  constructor(
    message: string,
    readonly kind: MonimeErrorKind,
    readonly details: { httpStatus?: number; reason?: string; retryAfterMs?: number } = {},
  ) {
    super(message);
    this.name = 'MonimeError';
  }
}

const NON_RETRYABLE_STATUSES = new Set([400, 401, 403, 404, 422]);
const RETRYABLE_STATUSES = new Set([408, 409, 425]);
export const IDEMPOTENCY_CONFLICT_REASON = 'idempotency_key_conflict';

/** Retry-After is seconds or an HTTP date; anything else means "use the backoff". */
export function parseRetryAfter(value: string | null, nowMs = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Math.round(Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

export function classifyHttpFailure(
  status: number,
  body: { error?: { reason?: string; message?: string } | null } | null,
  retryAfter: string | null,
): MonimeError {
  const reason = body?.error?.reason;
  const message = `MoniMe answered ${status}${reason ? ` ${reason}` : ''}: ${body?.error?.message ?? 'no message'}`;
  if (reason === IDEMPOTENCY_CONFLICT_REASON) {
    return new MonimeError(`BUG: the same Idempotency-Key was sent with a different body. ${message}`, 'idempotency_conflict', {
      httpStatus: status,
      reason,
    });
  }
  if (status === 429)
    return new MonimeError(message, 'rate_limited', { httpStatus: status, reason, retryAfterMs: parseRetryAfter(retryAfter) });
  if (NON_RETRYABLE_STATUSES.has(status)) return new MonimeError(message, 'non_retryable', { httpStatus: status, reason });
  if (RETRYABLE_STATUSES.has(status) || status >= 500) return new MonimeError(message, 'retryable', { httpStatus: status, reason });
  return new MonimeError(message, 'non_retryable', { httpStatus: status, reason });
}

/** How an activity reports a MoniMe failure to Temporal's retry policy. */
export function monimeErrorToApplicationFailure(error: MonimeError, attempt?: number): ApplicationFailure {
  // The attempt tells the workflow whether an earlier, unanswered request of the same call
  // may have reached MoniMe before this refusal (workflows/transaction/transferRounds.ts).
  const details = [{ httpStatus: error.details.httpStatus ?? null, reason: error.details.reason ?? null, attempt: attempt ?? null }];
  switch (error.kind) {
    case 'idempotency_conflict':
      return ApplicationFailure.create({ type: 'MonimeIdempotencyConflict', message: error.message, nonRetryable: true, details });
    case 'non_retryable':
      return ApplicationFailure.create({ type: 'MonimeRejected', message: error.message, nonRetryable: true, details });
    case 'rate_limited':
      return ApplicationFailure.create({
        type: 'MonimeRateLimited',
        message: error.message,
        details,
        nextRetryDelay: error.details.retryAfterMs !== undefined ? `${error.details.retryAfterMs} milliseconds` : undefined,
      });
    case 'retryable':
      return ApplicationFailure.create({ type: 'MonimeUnavailable', message: error.message, details });
  }
}
