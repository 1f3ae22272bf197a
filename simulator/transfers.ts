import { randomUUID } from 'node:crypto';
import type Koa from 'koa';
import type { CreateInternalTransferRequest, InternalTransfer } from '../monime/types';
import { fail, ok } from './envelope';
import type { LedgerTransfer } from './ledger';
import { later, type SimulatorState } from './state';
import { deliverWebhook, webhookEnvelope } from './webhooks';

export function toInternalTransfer(transfer: LedgerTransfer): InternalTransfer {
  return {
    id: transfer.id,
    status: transfer.status,
    amount: transfer.amount,
    sourceFinancialAccount: { id: transfer.source },
    destinationFinancialAccount: { id: transfer.destination },
    financialTransactionReference: transfer.status === 'completed' ? `ftr-${transfer.id}` : null,
    description: null,
    failureDetail: transfer.status === 'failed' ? { code: 'insufficient_funds', message: 'the transfer failed (simulated)' } : null,
    createTime: new Date(transfer.createdAt).toISOString(),
    updateTime: transfer.settledAt ? new Date(transfer.settledAt).toISOString() : null,
    metadata: transfer.metadata,
  };
}

function validationError(body: Partial<CreateInternalTransferRequest>): string | null {
  if (!body.amount || typeof body.amount.currency !== 'string' || !Number.isSafeInteger(body.amount.value) || body.amount.value <= 0) {
    return 'amount must be {currency, value: positive integer minor units}';
  }
  if (typeof body.sourceFinancialAccount?.id !== 'string') return 'sourceFinancialAccount.id is required';
  if (typeof body.destinationFinancialAccount?.id !== 'string') return 'destinationFinancialAccount.id is required';
  if (body.sourceFinancialAccount.id === body.destinationFinancialAccount.id) return 'source and destination are the same account';
  if (body.metadata !== undefined && (typeof body.metadata !== 'object' || body.metadata === null)) return 'metadata must be an object';
  return null;
}

export function createInternalTransfer(state: SimulatorState): Koa.Middleware {
  return (ctx) => {
    const body = ctx.state.json as CreateInternalTransferRequest;
    const invalid = validationError(body);
    if (invalid) return fail(ctx, 400, 'validation_error', invalid);
    const { pendingTransfers, pendingSettleMs, pendingOutcome } = state.faults.config;
    const transfer: LedgerTransfer = {
      id: `trn-${randomUUID()}`,
      idempotencyKey: ctx.state.idempotencyKey,
      amount: { currency: body.amount.currency, value: body.amount.value },
      source: body.sourceFinancialAccount.id,
      destination: body.destinationFinancialAccount.id,
      metadata: body.metadata ?? {},
      status: pendingTransfers ? 'pending' : 'completed',
      createdAt: Date.now(),
      settledAt: null,
    };
    state.ledger.addTransfer(transfer);
    if (pendingTransfers) later(state, pendingSettleMs, () => settleTransfer(state, transfer.id, pendingOutcome));
    ok(ctx, 201, toInternalTransfer(transfer));
    ctx.state.remember({ status: 201, body: ctx.body });
  };
}

/** A pending transfer reaches its end; MoniMe tells us by webhook unless webhooks are off. */
export async function settleTransfer(state: SimulatorState, id: string, outcome: 'completed' | 'failed') {
  const transfer = state.ledger.settle(id, outcome);
  if (!transfer || !state.faults.config.webhooksEnabled) return undefined;
  const envelope = webhookEnvelope(
    `internal_transfer.${transfer.status}`,
    { id: transfer.id, type: 'internal_transfer' },
    toInternalTransfer(transfer),
  );
  return deliverWebhook(state.settings.webhookUrl, state.settings.webhookSecret, envelope);
}

export function getInternalTransfer(state: SimulatorState): Koa.Middleware {
  return (ctx) => {
    const transfer = state.ledger.get(ctx.params.id);
    if (!transfer) return fail(ctx, 404, 'not_found', `internal transfer ${ctx.params.id} not found`);
    ok(ctx, 200, toInternalTransfer(transfer));
  };
}
