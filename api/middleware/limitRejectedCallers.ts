import type Koa from 'koa';
import ratelimit from 'koa-ratelimit';
import Redis from 'ioredis';

export interface RejectionLimiter {
  /** Runs `reject` under the limit: past it, the caller gets 429 with Retry-After instead. */
  (ctx: Koa.Context, reject: () => Promise<void>): Promise<void>;
  close(): Promise<void>;
}

/**
 * Only failed authentication counts against a caller, so validly signed MoniMe traffic is
 * never throttled, while someone probing signatures or tokens is slowed down per IP.
 * Memory store by default; Redis when several API instances must share the count.
 */
export function createRejectionLimiter(opts: { redisUrl?: string; max?: number; durationMs?: number }): RejectionLimiter {
  const redis = opts.redisUrl ? new Redis(opts.redisUrl, { lazyConnect: false, maxRetriesPerRequest: 2 }) : null;
  const limit = ratelimit({
    driver: redis ? 'redis' : 'memory',
    db: redis ?? new Map(),
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
  limiter.close = async () => {
    if (redis) await redis.quit();
  };
  return limiter;
}
