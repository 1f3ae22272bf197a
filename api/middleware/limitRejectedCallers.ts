import type Koa from 'koa';
import ratelimit from 'koa-ratelimit';
import Redis from 'ioredis';
import { BoundedCallerCounts } from './boundedCallerCounts';

/**
 * At most this many caller addresses are counted in memory at once (a few MB). An address
 * dropped to make room starts a new window, so only a caller with more addresses than this
 * per window gains anything, and it already had that many windows.
 */
export const MAX_TRACKED_CALLERS = 10_000;

export interface RejectionLimiter {
  /** Runs `reject` under the limit: past it, the caller gets 429 with Retry-After instead. */
  (ctx: Koa.Context, reject: () => Promise<void>): Promise<void>;
  close(): Promise<void>;
  /** Addresses the in-memory store holds a count for; 0 with Redis (its keys expire there). */
  trackedCallers(): number;
}

/**
 * Only failed authentication counts against a caller, so validly signed MoniMe traffic is
 * never throttled, while someone probing signatures or tokens is slowed down per IP.
 * Memory store by default, bounded and expiring (BoundedCallerCounts); Redis when several
 * API instances must share the count (its keys expire with their window there).
 */
export function createRejectionLimiter(opts: {
  redisUrl?: string;
  max?: number;
  durationMs?: number;
  maxTrackedCallers?: number;
}): RejectionLimiter {
  const redis = opts.redisUrl ? new Redis(opts.redisUrl, { lazyConnect: false, maxRetriesPerRequest: 2 }) : null;
  const memory = new BoundedCallerCounts({ maxEntries: opts.maxTrackedCallers ?? MAX_TRACKED_CALLERS });
  const limit = ratelimit({
    driver: redis ? 'redis' : 'memory',
    db: redis ?? memory,
    duration: opts.durationMs ?? 60_000,
    max: opts.max ?? 120,
    id: (ctx) => ctx.ip,
    errorMessage: 'too many rejected requests from this address',
    disableHeader: false,
  });
  const limiter = (async (ctx: Koa.Context, reject: () => Promise<void>) => {
    await limit(ctx, reject);
    if (ctx.status === 429) ctx.body = { error: 'too many rejected requests from this address; retry later' };
  }) as RejectionLimiter;
  limiter.trackedCallers = () => (redis ? 0 : memory.tracked());
  limiter.close = async () => {
    if (redis) await redis.quit();
  };
  return limiter;
}
