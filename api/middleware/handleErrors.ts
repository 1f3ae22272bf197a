import type Koa from 'koa';
import { HttpError } from '../errors';

/** JSON `{error}` bodies; an unexpected failure is logged and answered without its stack. */
export function handleErrors(): Koa.Middleware {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) {
        ctx.status = 404;
        ctx.body = { error: `no route for ${ctx.method} ${ctx.path}` };
      }
    } catch (error) {
      const httpError = error instanceof HttpError ? error : toHttpError(error);
      ctx.status = httpError.status;
      ctx.body = { error: httpError.message };
      for (const [name, value] of Object.entries(httpError.headers)) ctx.set(name, value);
      // 503 is the designed answer to a Temporal outage: worth a warning, not an error page.
      if (ctx.status === 503) ctx.state.log?.warn({ reason: httpError.message }, 'answered 503');
      else if (ctx.status >= 500) ctx.state.log?.error({ err: error }, 'request failed');
    }
  };
}

function toHttpError(error: unknown): HttpError {
  const status = (error as { status?: number; statusCode?: number }).status ?? (error as { statusCode?: number }).statusCode;
  // raw-body and Koa signal client mistakes with a status (413, 400, 415).
  if (typeof status === 'number' && status >= 400 && status < 500) return new HttpError(status, (error as Error).message);
  return new HttpError(500, 'internal error');
}
