import { createHash, timingSafeEqual } from 'node:crypto';
import type Koa from 'koa';
import { HttpError } from '../errors';
import type { RejectionLimiter } from './limitRejectedCallers';

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Bearer auth for /api/*; hashing first makes the comparison constant-time whatever the length. */
export function requireBearerToken(token: string, limitRejected: RejectionLimiter): Koa.Middleware {
  const expected = digest(token);
  return async (ctx, next) => {
    const header = ctx.get('authorization');
    const offered = header.startsWith('Bearer ') ? header.slice('Bearer '.length) : '';
    if (!offered || !timingSafeEqual(digest(offered), expected)) {
      return limitRejected(ctx, async () => {
        throw new HttpError(401, 'missing or invalid bearer token', { 'www-authenticate': 'Bearer' });
      });
    }
    await next();
  };
}
