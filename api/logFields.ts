import type { Context } from 'koa';

/**
 * Binds ids (event, workflow, transfer) to the request's logger, so that every later line
 * about this webhook carries them: warnings and errors as well as the closing request line.
 */
export function addLogFields(ctx: Context, fields: Record<string, unknown>): void {
  ctx.state.log = ctx.state.log?.child(fields);
}
