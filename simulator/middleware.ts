import { createHash } from 'node:crypto';
import type Koa from 'koa';
import getRawBody from 'raw-body';
import { fail } from './envelope';
import type { Endpoint } from './faults';
import type { SimulatorState } from './state';

export function requireMonimeCredentials(state: SimulatorState): Koa.Middleware {
  return async (ctx, next) => {
    const revoked = state.faults.config.rejectCredentials;
    if (revoked || ctx.get('authorization') !== `Bearer ${state.settings.accessToken}`)
      return fail(ctx, 401, 'unauthenticated', 'invalid access token');
    if (ctx.get('monime-space-id') !== state.settings.spaceId) return fail(ctx, 403, 'forbidden', 'unknown or missing Monime-Space-Id');
    await next();
  };
}

export function parseJsonBody(): Koa.Middleware {
  return async (ctx, next) => {
    if (ctx.method === 'POST' || ctx.method === 'PUT') {
      const raw = await getRawBody(ctx.req, { limit: '1mb', encoding: 'utf8' });
      ctx.state.rawBody = raw;
      try {
        ctx.state.json = raw.length > 0 ? JSON.parse(raw) : {};
      } catch {
        return fail(ctx, 400, 'invalid_json', 'request body is not JSON');
      }
    }
    await next();
  };
}

/**
 * Same key + same body: the stored answer again, no second effect. Same key + other body:
 * 409 idempotency_key_conflict. Same key while the first request is still being processed:
 * 409 idempotency_key_in_use (retryable). A result is remembered the moment it exists, so
 * a response lost afterwards (error or hang after applying) is still replayed.
 */
export function replayIdempotentPosts(state: SimulatorState): Koa.Middleware {
  const inFlight = new Set<string>();
  return async (ctx, next) => {
    if (ctx.method !== 'POST') return next();
    const key = ctx.get('idempotency-key');
    if (!key) return fail(ctx, 400, 'missing_idempotency_key', 'Idempotency-Key header is required');
    if (key.length > 64) return fail(ctx, 400, 'invalid_idempotency_key', 'Idempotency-Key longer than 64 characters');
    state.ledger.countPost(key);
    const fingerprint = createHash('sha256')
      .update(`${ctx.path}\n${JSON.stringify(ctx.state.json)}`)
      .digest('hex');
    const stored = state.idempotency.get(key);
    if (stored) {
      if (stored.bodyFingerprint !== fingerprint)
        return fail(ctx, 409, 'idempotency_key_conflict', 'Idempotency-Key reused with a different request');
      ctx.status = stored.status;
      ctx.body = stored.body;
      ctx.set('idempotent-replayed', 'true');
      return;
    }
    if (inFlight.has(key)) return fail(ctx, 409, 'idempotency_key_in_use', 'a request with this Idempotency-Key is still being processed');
    inFlight.add(key);
    ctx.state.idempotencyKey = key;
    ctx.state.remember = (response: { status: number; body: unknown }) =>
      state.idempotency.set(key, { bodyFingerprint: fingerprint, ...response });
    try {
      await next();
    } finally {
      inFlight.delete(key);
    }
  };
}

export function injectFaults(state: SimulatorState, endpoint: Endpoint): Koa.Middleware {
  return async (ctx, next) => {
    const delay = state.faults.delayMs();
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    const decision = state.faults.decide(endpoint, ctx.method === 'POST');
    if (!decision) return next();
    switch (decision.kind) {
      case 'outage':
        return fail(ctx, 503, 'service_unavailable', 'MoniMe is down (simulated outage)');
      case 'rate_limited':
        ctx.set('Retry-After', String(decision.retryAfterSeconds));
        return fail(ctx, 429, 'too_many_requests', 'rate limited (simulated)');
      case 'hang':
        if (decision.afterApplying) await next();
        await new Promise((resolve) => setTimeout(resolve, decision.ms));
        return fail(ctx, 504, 'gateway_timeout', 'hung (simulated)');
      case 'reject':
        return fail(ctx, 422, 'unprocessable_entity', 'transfer rejected (simulated)');
      case 'error':
        if (decision.mode === 'before') return fail(ctx, decision.status, 'simulated_error', `simulated ${decision.status}`);
        await next();
        return fail(ctx, decision.status, 'simulated_error', `simulated ${decision.status} after the request was applied`);
    }
  };
}
