import Router from '@koa/router';
import type { Client } from '@temporalio/client';
import { findTransaction } from '../../db/queries/apiReads';
import { listAuditTrail } from '../../db/queries/audit';
import type { Db } from '../../db/pool';
import { workflowIdForTransaction } from '../../domain/transactions';
import { statusQuery } from '../../workflows/definitions';
import { notFound } from './validate';

const QUERY_DEADLINE_MS = 3_000;

/**
 * The row is written when the workflow applies the payment, a moment after the webhook was
 * acknowledged. In that moment the transaction is not unknown: its workflow answers for it.
 */
async function fromWorkflow(temporal: Client, transactionId: string) {
  const workflowId = workflowIdForTransaction(transactionId);
  try {
    const view = await temporal.connection.withDeadline(Date.now() + QUERY_DEADLINE_MS, () => temporal.workflow.getHandle(workflowId).query(statusQuery));
    return {
      id: transactionId,
      status: view.status,
      ticketId: view.ticketId,
      companyId: view.companyId,
      amount: view.amount,
      expectedAmount: view.expectedAmount ?? null,
      commission: view.commission,
      net: view.net,
      transfer: view.transfer ? { id: view.transfer.id, status: view.transfer.status } : null,
      workflowId,
      attentionReason: view.reason,
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
