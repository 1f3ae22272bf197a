import type { Context } from 'koa';
import { HttpError } from '../errors';
import { addLogFields } from '../logFields';
import type { WebhookDeps, WebhookResult } from './context';
import { handleInternalTransfer } from './internalTransfer';
import { handlePaymentCodeCompleted } from './paymentCodeCompleted';
import { handlePaymentCodeExpired } from './paymentCodeExpired';
import { describeIssue, envelopeSchema, type Envelope } from './schemas';
import { AtCapacity } from './temporalSlots';

type EventHandler = (ctx: Context, envelope: Envelope, deps: WebhookDeps) => Promise<WebhookResult>;

const HANDLERS: Partial<Record<string, EventHandler>> = {
  'payment_code.completed': handlePaymentCodeCompleted,
  'payment_code.expired': handlePaymentCodeExpired,
  'internal_transfer.completed': handleInternalTransfer,
  'internal_transfer.failed': handleInternalTransfer,
};

function parseEnvelope(rawBody: Buffer): Envelope {
  let json: unknown;
  try {
    json = JSON.parse(rawBody.toString('utf8'));
  } catch {
    throw new HttpError(400, 'body is not valid JSON');
  }
  const parsed = envelopeSchema.safeParse(json);
  if (!parsed.success) throw new HttpError(400, describeIssue(parsed.error));
  return parsed.data;
}

/** The signed body, parsed and validated, handed to the handler for its event name. */
export function receiveMonimeWebhook(deps: WebhookDeps) {
  return async (ctx: Context) => {
    const envelope = parseEnvelope(ctx.state.rawBody as Buffer);
    addLogFields(ctx, { eventId: envelope.event.id, eventName: envelope.event.name });
    const handler = HANDLERS[envelope.event.name];
    // Named before the handler runs, so a 503 is counted against the event it failed.
    ctx.state.webhookEvent = handler ? envelope.event.name : 'other';
    let result: WebhookResult;
    try {
      // At capacity, refuse before the handler's own work (a database read) rather than after it.
      if (handler) deps.slots?.refuseIfFull();
      result = handler ? await handler(ctx, envelope, deps) : { status: 'ignored' };
    } catch (error) {
      if (error instanceof AtCapacity) {
        ctx.state.webhookOutcome = 'shed';
        deps.metrics.webhooksShed.inc({ event: ctx.state.webhookEvent as string });
      }
      throw error;
    }
    ctx.state.webhookOutcome = result.status;
    ctx.status = 200;
    ctx.body = result;
  };
}
