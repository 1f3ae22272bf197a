import { randomInt, randomUUID } from 'node:crypto';
import type Koa from 'koa';
import type { CreatePaymentCodeRequest, MonimeAmount, PaymentCode } from '../monime/types';
import { fail, ok } from './envelope';
import type { SimulatorState } from './state';

const DURATION = /^(\d+)([smhd])$/;
const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

function isAmount(value: unknown): value is MonimeAmount {
  const amount = value as MonimeAmount;
  return (
    typeof amount?.currency === 'string' && /^[A-Z]{3}$/.test(amount.currency) && Number.isSafeInteger(amount.value) && amount.value > 0
  );
}

export function createPaymentCode(state: SimulatorState): Koa.Middleware {
  return (ctx) => {
    const body = ctx.state.json as Partial<CreatePaymentCodeRequest>;
    if (!isAmount(body.amount))
      return fail(ctx, 400, 'validation_error', 'amount must be {currency: ISO 4217, value: positive integer minor units}');
    const duration = DURATION.exec(String(body.duration ?? '30m'));
    if (!duration) return fail(ctx, 400, 'validation_error', 'duration must look like 30m');
    const now = Date.now();
    const code: PaymentCode = {
      id: `pmc-${randomUUID()}`,
      mode: 'one_time',
      status: 'pending',
      name: body.name ?? null,
      amount: body.amount,
      enable: true,
      expireTime: new Date(now + Number(duration[1]) * UNIT_MS[duration[2]]).toISOString(),
      customer: body.customer ?? null,
      ussdCode: `*715*1*${randomInt(100_000, 999_999)}#`,
      reference: body.reference ?? null,
      financialAccountId: body.financialAccountId ?? state.settings.platformAccountId,
      processedPaymentData: null,
      createTime: new Date(now).toISOString(),
      updateTime: null,
      metadata: body.metadata ?? null,
    };
    state.paymentCodes.set(code.id, code);
    ok(ctx, 201, code);
    ctx.state.remember({ status: 201, body: ctx.body });
  };
}

/**
 * A customer pays a code. The simulator does not refuse an expired or unknown code: it
 * models the race where MoniMe processed a payment the receiver must still cope with.
 */
export function payPaymentCode(
  state: SimulatorState,
  codeId: string,
  opts: { amount?: MonimeAmount; paymentId?: string } = {},
): PaymentCode {
  const known = state.paymentCodes.get(codeId);
  const amount = opts.amount ?? known?.amount ?? { currency: 'SLE', value: 1_000 };
  const paymentId = opts.paymentId ?? `pay-${randomUUID()}`;
  const now = new Date().toISOString();
  const base: PaymentCode = known ?? {
    id: codeId,
    mode: 'one_time',
    status: 'pending',
    name: null,
    amount,
    enable: true,
    expireTime: now,
    customer: null,
    ussdCode: '*715*1*000000#',
    reference: null,
    financialAccountId: state.settings.platformAccountId,
    processedPaymentData: null,
    createTime: now,
    updateTime: null,
    metadata: null,
  };
  const paid: PaymentCode = {
    ...base,
    status: 'completed',
    updateTime: now,
    processedPaymentData: {
      amount,
      paymentId,
      orderId: null,
      orderNumber: null,
      financialTransactionReference: `ftr-${paymentId}`,
      metadata: null,
    },
  };
  if (known) state.paymentCodes.set(codeId, paid);
  state.ledger.credit(paid.financialAccountId ?? state.settings.platformAccountId, amount.value);
  return paid;
}

export function expirePaymentCode(state: SimulatorState, codeId: string): PaymentCode {
  const known = state.paymentCodes.get(codeId);
  const now = new Date().toISOString();
  const expired: PaymentCode = known
    ? { ...known, status: known.status === 'completed' ? 'completed' : 'expired', updateTime: now }
    : { ...payPaymentCode(state, codeId), status: 'expired', processedPaymentData: null };
  if (known) state.paymentCodes.set(codeId, expired);
  return expired;
}
