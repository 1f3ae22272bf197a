import Router from '@koa/router';
import type { Client } from '@temporalio/client';
import Koa from 'koa';
import type { Config } from '../config';
import type { Db } from '../db/pool';
import { countAuditDeadLetters } from '../db/queries/audit';
import { readOpenTransactions } from '../db/queries/openTransactions';
import type { MonimeClient } from '../monime/client';
import type { Logger } from '../observability/logger';
import type { ApiMetrics } from '../observability/metrics';
import { handleErrors } from './middleware/handleErrors';
import { createRejectionLimiter, type RejectionLimiter } from './middleware/limitRejectedCallers';
import { logRequests } from './middleware/logRequests';
import { measureWebhooks } from './middleware/measureWebhooks';
import { parseJsonBody } from './middleware/parseJsonBody';
import { readRawBody } from './middleware/readRawBody';
import { requireBearerToken } from './middleware/requireBearerToken';
import { assignRequestId } from './middleware/requestId';
import { verifyMonimeSignature } from './middleware/verifyMonimeSignature';
import { companyRoutes } from './routes/companies';
import { healthRoutes, type Readiness } from './routes/health';
import { ticketRoutes } from './routes/tickets';
import { transactionRoutes } from './routes/transactions';
import { receiveMonimeWebhook } from './webhooks/receiveMonimeWebhook';
import { createTemporalSlots, type TemporalSlots } from './webhooks/temporalSlots';

export interface ApiDeps {
  config: Config;
  db: Db;
  temporal: Client;
  /** WebhookDeps.eagerStarts: a client on the workers' connection, where they run in this process. */
  eagerStarts?: Client;
  monime: MonimeClient;
  logger: Logger;
  metrics: ApiMetrics;
  readiness: Readiness;
  limiter?: RejectionLimiter;
  /** The bounded Temporal slots of the webhook receiver; from `config.webhookCapacity` by default. */
  temporalSlots?: TemporalSlots;
}

export function createApiApp(deps: ApiDeps): Koa & { limiter: RejectionLimiter } {
  const { config } = deps;
  // Only the address the balancer itself appended can be trusted; earlier entries are the caller's to forge.
  const app = new Koa({ proxy: config.trustProxy, maxIpsCount: 1 });
  const limiter = deps.limiter ?? createRejectionLimiter({ redisUrl: config.redisUrl, max: config.rejectedRequestsPerMinute });
  deps.metrics.watchRejectedCallers(() => limiter.trackedCallers());
  deps.metrics.watchAuditDeadLetters(() => countAuditDeadLetters(deps.db));
  deps.metrics.watchOpenTransactions(() => readOpenTransactions(deps.db));
  const { maxInFlight, maxWaiting, slotWaitMs, slotWaitLimitMs } = config.webhookCapacity;
  const slots = deps.temporalSlots ?? createTemporalSlots({ maxInFlight, maxWaiting, waitMs: slotWaitMs, waitLimitMs: slotWaitLimitMs });
  deps.metrics.watchTemporalSlots(slots);

  app.use(assignRequestId(deps.logger));
  app.use(logRequests(deps.metrics));
  app.use(handleErrors());

  const webhooks = new Router();
  webhooks.post(
    '/webhooks/monime',
    measureWebhooks(deps.metrics),
    handleErrors(),
    readRawBody(config.webhookBodyLimitBytes),
    verifyMonimeSignature(config.monime.webhookSecrets, limiter),
    receiveMonimeWebhook({ config, db: deps.db, temporal: deps.temporal, eagerStarts: deps.eagerStarts, metrics: deps.metrics, slots }),
  );
  app.use(webhooks.routes()).use(webhooks.allowedMethods());

  app.use(healthRoutes(deps.readiness, deps.metrics).routes());

  const api = new Router();
  api.use('/api', requireBearerToken(config.apiToken, limiter), parseJsonBody());
  for (const routes of [
    companyRoutes(deps.db),
    ticketRoutes({ db: deps.db, monime: deps.monime, temporal: deps.temporal, config }),
    transactionRoutes(deps.db, deps.temporal),
  ])
    api.use(routes.routes());
  app.use(api.routes()).use(api.allowedMethods());
  return Object.assign(app, { limiter });
}
