import type Koa from 'koa';
import getRawBody from 'raw-body';
import { HttpError } from '../errors';

/** For /api/*: small JSON bodies only. */
export function parseJsonBody(limitBytes = 64 * 1024): Koa.Middleware {
  return async (ctx, next) => {
    if (ctx.method === 'POST' || ctx.method === 'PUT' || ctx.method === 'PATCH') {
      if (!ctx.is('application/json')) throw new HttpError(415, 'Content-Type must be application/json');
      let raw: string;
      try {
        raw = await getRawBody(ctx.req, { limit: limitBytes, encoding: 'utf8' });
      } catch (error) {
        if ((error as { type?: string }).type === 'entity.too.large') throw new HttpError(413, `body larger than ${limitBytes} bytes`);
        throw new HttpError(400, 'could not read the body');
      }
      try {
        ctx.request.body = JSON.parse(raw);
      } catch {
        throw new HttpError(400, 'body is not valid JSON');
      }
    }
    await next();
  };
}

declare module 'koa' {
  interface Request {
    body?: unknown;
  }
}
