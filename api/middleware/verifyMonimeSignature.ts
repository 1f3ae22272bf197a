import type Koa from 'koa';
import { verifyMonimeSignature as checkSignature } from '../../monime/signature';
import { HttpError } from '../errors';
import type { RejectionLimiter } from './limitRejectedCallers';

const REASONS = {
  missing: 'Monime-Signature header missing',
  malformed: 'Monime-Signature header malformed',
  stale: 'Monime-Signature timestamp outside the 300 s replay window',
  mismatch: 'Monime-Signature does not match the body',
} as const;

/** 401 unless one v1 entry matches one configured secret (rotation) within the window. */
export function verifyMonimeSignature(secrets: string[], limitRejected: RejectionLimiter): Koa.Middleware {
  return async (ctx, next) => {
    const check = checkSignature({
      header: ctx.get('monime-signature') || undefined,
      rawBody: ctx.state.rawBody as Buffer,
      secrets,
      nowSeconds: Math.floor(Date.now() / 1000),
    });
    if (check.ok) return next();
    ctx.state.webhookOutcome = 'rejected';
    await limitRejected(ctx, async () => {
      throw new HttpError(401, REASONS[check.reason]);
    });
  };
}
