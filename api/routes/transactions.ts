import Router from '@koa/router';
import type { Client } from '@temporalio/client';
import { findTransaction } from '../../db/queries/apiReads';
import { listAuditTrail } from '../../db/queries/audit';
import type { Db } from '../../db/pool';
import { AttentionReasonKey, CompanyIdKey, TransactionStatusKey, workflowIdForTransaction, workflowTypes } from '../../contract';
import { notFound } from './validate';

const DESCRIBE_DEADLINE_MS = 3_000;

/**
 * The row is written when the workflow applies the payment, a moment after the webhook was
 * acknowledged. In that moment the transaction is not unknown: Temporal describes it from
 * what the API recorded at the start (search attributes, memo) — no worker needed, so this
 * answers even while the workflow is busy or no worker runs.
 */
async function fromWorkflow(temporal: Client, transactionId: string) {
  const workflowId = workflowIdForTransaction(transactionId);
  try {
    const described = await temporal.connection.withDeadline(Date.now() + DESCRIBE_DEADLINE_MS, () =>
      temporal.workflow.getHandle(workflowId).describe(),
    );
    if (described.type !== workflowTypes.processTransaction) return null;
    const memo = (described.memo ?? {}) as { amount?: { currency: string; value: number }; paymentCodeId?: string };
    return {
      id: transactionId,
      status: described.typedSearchAttributes.get(TransactionStatusKey) ?? 'processing',
      ticketId: null,
      companyId: described.typedSearchAttributes.get(CompanyIdKey) ?? null,
      paymentCodeId: memo.paymentCodeId ?? null,
      amount: memo.amount ?? null,
      commission: null,
      net: null,
      transfer: null,
      workflowId,
      attentionReason: described.typedSearchAttributes.get(AttentionReasonKey) ?? null,
    };
  } catch {
    return null;
  }
}

export function transactionRoutes(db: Db, temporal: Client): Router {
  const router = new Router();
  const find = async (transactionId: string) => (await findTransaction(db, transactionId)) ?? (await fromWorkflow(temporal, transactionId));
  router.get('/api/transactions/:id', async (ctx) => {
    const transaction = await find(ctx.params.id);
    if (!transaction) throw notFound('transaction', ctx.params.id);
    ctx.body = transaction;
  });
  router.get('/api/transactions/:id/audit', async (ctx) => {
    const transaction = await find(ctx.params.id);
    if (!transaction) throw notFound('transaction', ctx.params.id);
    ctx.body = { transactionId: transaction.id, events: await listAuditTrail(db, 'transaction', transaction.id) };
  });
  return router;
}
