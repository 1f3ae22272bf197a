import type Koa from 'koa';

/** MoniMe's response envelope. */
export function ok(ctx: Koa.Context, status: number, result: unknown): void {
  ctx.status = status;
  ctx.body = { success: true, messages: [], result };
}

export function fail(ctx: Koa.Context, status: number, reason: string, message: string): void {
  ctx.status = status;
  ctx.body = { success: false, messages: [], result: null, error: { code: status, reason, message, details: [] } };
}
