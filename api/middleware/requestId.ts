import { randomUUID } from 'node:crypto';
import type Koa from 'koa';
import type { Logger } from '../../observability/logger';

const ACCEPTABLE_ID = /^[A-Za-z0-9._-]{1,128}$/;

/** Every request gets an id (the caller's if it is sane) and a logger that carries it. */
export function assignRequestId(logger: Logger): Koa.Middleware {
  return async (ctx, next) => {
    const offered = ctx.get('x-request-id');
    const requestId = ACCEPTABLE_ID.test(offered) ? offered : randomUUID();
    ctx.state.requestId = requestId;
    ctx.state.log = logger.child({ requestId });
    ctx.set('x-request-id', requestId);
    await next();
  };
}
