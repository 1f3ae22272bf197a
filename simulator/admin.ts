import Router from '@koa/router';
import { faultConfigSchema, type FaultConfig } from './faults';
import { expirePaymentCode, payPaymentCode } from './paymentCodes';
import type { SimulatorState } from './state';
import { settleTransfer } from './transfers';
import { deliverWebhook, webhookEnvelope, type Delivery } from './webhooks';

export interface PayOptions {
  amount?: { currency: string; value: number };
  paymentId?: string;
  eventId?: string;
  /** false: build and sign nothing, just return the envelope (tests deliver it themselves). */
  deliver?: boolean;
}

export type PaymentDelivery = Delivery & { paymentId: string; eventId: string };

export async function pay(state: SimulatorState, codeId: string, opts: PayOptions = {}): Promise<PaymentDelivery> {
  const paid = payPaymentCode(state, codeId, opts);
  const envelope = webhookEnvelope('payment_code.completed', { id: paid.id, type: 'payment_code' }, paid, opts.eventId);
  const delivery =
    opts.deliver === false
      ? { status: 0, body: null, envelope, rawBody: JSON.stringify(envelope) }
      : await deliverWebhook(state.settings.webhookUrl, state.settings.webhookSecret, envelope);
  return { ...delivery, paymentId: paid.processedPaymentData!.paymentId, eventId: envelope.event.id };
}

export async function expire(
  state: SimulatorState,
  codeId: string,
  opts: { eventId?: string; deliver?: boolean } = {},
): Promise<Delivery & { eventId: string }> {
  const expired = expirePaymentCode(state, codeId);
  const envelope = webhookEnvelope('payment_code.expired', { id: expired.id, type: 'payment_code' }, expired, opts.eventId);
  const delivery =
    opts.deliver === false
      ? { status: 0, body: null, envelope, rawBody: JSON.stringify(envelope) }
      : await deliverWebhook(state.settings.webhookUrl, state.settings.webhookSecret, envelope);
  return { ...delivery, eventId: envelope.event.id };
}

/** `/_sim/*`: what a developer, a README example or a chaos test drives the simulator with. */
export function adminRouter(state: SimulatorState): Router {
  const router = new Router({ prefix: '/_sim' });
  router.get('/faults', (ctx) => {
    ctx.body = state.faults.config;
  });
  router.put('/faults', (ctx) => {
    const parsed = faultConfigSchema.safeParse(ctx.state.json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      ctx.status = 400;
      ctx.body = { error: `${issue.path.join('.') || '(body)'}: ${issue.message}` };
      return;
    }
    ctx.body = state.faults.set(parsed.data as Partial<FaultConfig>);
  });
  router.post('/faults/reset', (ctx) => {
    ctx.body = state.faults.reset();
  });
  router.get('/ledger', (ctx) => {
    ctx.body = state.ledger.snapshot();
  });
  router.get('/payment-codes/:id', (ctx) => {
    const code = state.paymentCodes.get(ctx.params.id);
    ctx.status = code ? 200 : 404;
    ctx.body = code ?? { error: `payment code ${ctx.params.id} not found` };
  });
  router.post('/payment-codes/:id/pay', async (ctx) => {
    const body = (ctx.state.json ?? {}) as PayOptions;
    const delivery = await pay(state, ctx.params.id, { amount: body.amount, paymentId: body.paymentId });
    ctx.body = { paymentId: delivery.paymentId, eventId: delivery.eventId, webhook: { status: delivery.status, body: delivery.body } };
  });
  router.post('/payment-codes/:id/expire', async (ctx) => {
    const delivery = await expire(state, ctx.params.id);
    ctx.body = { eventId: delivery.eventId, webhook: { status: delivery.status, body: delivery.body } };
  });
  router.post('/internal-transfers/:id/settle', async (ctx) => {
    const outcome = (ctx.state.json as { outcome?: 'completed' | 'failed' })?.outcome ?? 'completed';
    await settleTransfer(state, ctx.params.id, outcome);
    ctx.body = state.ledger.get(ctx.params.id) ?? { error: 'not found' };
  });
  return router;
}
