import type { Client, Connection } from '@temporalio/client';
import { createApiApp } from '../api/app';
import { startApiServer, type RunningApi } from '../api/server';
import type { Config } from '../config';
import type { Db } from '../db/pool';
import type { MonimeClient } from '../monime/client';
import type { Logger } from '../observability/logger';
import { createApiMetrics } from '../observability/metrics';
import { createReadiness } from './readiness';
import type { Stopper } from './stopper';

/**
 * The API on `config.port`. Stops in this order: the server (no new connections, in-flight
 * requests finish), then the rate-limiter store (Redis) those requests may still use.
 */
export async function startApi(opts: {
  config: Config;
  db: Db;
  client: Client;
  /** The workers' client where they run in this process and eager start is on. */
  eagerStarts?: Client;
  connection: Connection;
  monime: MonimeClient;
  logger: Logger;
  stopper: Stopper;
}): Promise<RunningApi> {
  const app = createApiApp({
    config: opts.config,
    db: opts.db,
    temporal: opts.client,
    eagerStarts: opts.eagerStarts,
    monime: opts.monime,
    logger: opts.logger.child({ component: 'api' }),
    metrics: createApiMetrics(),
    readiness: createReadiness(opts.connection, opts.db),
  });
  opts.stopper.add('rate-limiter store', () => app.limiter.close());
  const api = await startApiServer(app, opts.config.port, opts.config.host);
  opts.stopper.add('API', () => api.close());
  return api;
}
