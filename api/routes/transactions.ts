import Router from '@koa/router';
import { findTransaction } from '../../db/queries/apiReads';
import { listAuditTrail } from '../../db/queries/audit';
import type { Db } from '../../db/pool';
import { notFound } from './validate';

export function transactionRoutes(db: Db): Router {
  const router = new Router();
  router.get('/api/transactions/:id', async (ctx) => {
    const transaction = await findTransaction(db, ctx.params.id);
    if (!transaction) throw notFound('transaction', ctx.params.id);
    ctx.body = transaction;
  });
  router.get('/api/transactions/:id/audit', async (ctx) => {
    const transaction = await findTransaction(db, ctx.params.id);
    if (!transaction) throw notFound('transaction', ctx.params.id);
    ctx.body = { transactionId: transaction.id, events: await listAuditTrail(db, 'transaction', transaction.id) };
  });
  return router;
}
