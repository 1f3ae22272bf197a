import type Koa from 'koa';
import getRawBody from 'raw-body';
import { HttpError } from '../errors';

/**
 * The signature covers the exact bytes MoniMe sent, so the body is read once, raw, with a
 * limit, before anything parses it.
 */
export function readRawBody(limitBytes: number): Koa.Middleware {
  return async (ctx, next) => {
    if (!ctx.is('application/json')) throw new HttpError(415, 'Content-Type must be application/json');
    try {
      ctx.state.rawBody = await getRawBody(ctx.req, { limit: limitBytes, length: ctx.get('content-length') || undefined });
    } catch (error) {
      const type = (error as { type?: string }).type;
      if (type === 'entity.too.large') throw new HttpError(413, `body larger than ${limitBytes} bytes`);
      throw new HttpError(400, `could not read the body: ${(error as Error).message}`);
    }
    await next();
  };
}
