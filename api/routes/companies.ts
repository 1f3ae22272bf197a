import { randomUUID } from 'node:crypto';
import Router from '@koa/router';
import { z } from 'zod';
import { findCompany, insertCompany, insertRoute } from '../../db/queries/catalog';
import type { Db } from '../../db/pool';
import { notFound, parseBody } from './validate';

const companyBody = z.object({
  name: z.string().trim().min(1).max(200),
  financialAccountId: z.string().trim().min(1).max(200),
  commissionBps: z.number().int().min(0).max(10_000),
});

const routeBody = z.object({
  origin: z.string().trim().min(1).max(200),
  destination: z.string().trim().min(1).max(200),
  priceMinor: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  currency: z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as SLE'),
});

export function companyRoutes(db: Db): Router {
  const router = new Router();
  router.post('/api/companies', async (ctx) => {
    const body = parseBody(companyBody, ctx.request.body);
    ctx.status = 201;
    ctx.body = await insertCompany(db, { id: `cmp-${randomUUID()}`, ...body });
  });
  router.get('/api/companies/:id', async (ctx) => {
    const company = await findCompany(db, ctx.params.id);
    if (!company) throw notFound('company', ctx.params.id);
    ctx.body = company;
  });
  router.post('/api/companies/:id/routes', async (ctx) => {
    const body = parseBody(routeBody, ctx.request.body);
    const company = await findCompany(db, ctx.params.id);
    if (!company) throw notFound('company', ctx.params.id);
    ctx.status = 201;
    ctx.body = await insertRoute(db, { id: `rte-${randomUUID()}`, companyId: company.id, ...body });
  });
  return router;
}
