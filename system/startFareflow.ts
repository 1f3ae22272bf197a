import type { Client, Connection } from '@temporalio/client';
import type { NativeConnection } from '@temporalio/worker';
import { createActivities } from '../activities';
import { createApiApp } from '../api/app';
import { startApiServer, type RunningApi } from '../api/server';
import type { Config } from '../config';
import { createPool, type Db } from '../db/pool';
import { MonimeClient } from '../monime/client';
import type { Logger } from '../observability/logger';
import { createApiMetrics } from '../observability/metrics';
import { connectClient, connectWorker } from '../temporal/connection';
import { requireSearchAttributes } from '../temporal/searchAttributes';
import { createReadiness } from './readiness';
import type { WorkflowBundle } from '../workers/bundle';
import { createWorkers, runWorkers } from '../workers/createWorkers';

export interface Fareflow {
  api: RunningApi | null;
  db: Db;
  client: Client;
  monime: MonimeClient;
  /** Starts the workers again after `stopWorkers` (crash-and-restart tests). */
  startWorkers(): Promise<void>;
  stopWorkers(): Promise<void>;
  /** API first (in-flight requests finish), then workers drain, then connections close. */
  stop(): Promise<void>;
}

/**
 * The application proper — API and workers — on an already running Temporal, database and
 * MoniMe (real or simulated). Shared by `npm start`, the worker/API processes and tests.
 */
export async function startFareflow(opts: {
  config: Config;
  temporalAddress: string;
  logger: Logger;
  /** Needed only where workers run. */
  workflowBundle?: WorkflowBundle;
  runApi?: boolean;
  runWorkers?: boolean;
  monimeBaseUrl: string;
}): Promise<Fareflow> {
  const { config, logger } = opts;
  const db = createPool(config.databaseUrl, 20, (error) => logger.warn({ err: error }, 'an idle database connection was closed; the pool opens another'));
  const { connection, client }: { connection: Connection; client: Client } = await connectClient(opts.temporalAddress, config.temporal.namespace);
  try {
    await requireSearchAttributes(connection, config.temporal.namespace);
  } catch (error) {
    await connection.close();
    await db.end();
    throw error;
  }
  const monime = new MonimeClient({
    baseUrl: opts.monimeBaseUrl,
    accessToken: config.monime.accessToken,
    spaceId: config.monime.spaceId,
    version: config.monime.version,
    timeoutMs: config.monime.httpTimeoutMs,
  });

  let nativeConnection: NativeConnection | null = null;
  let running: ReturnType<typeof runWorkers> | null = null;
  const startWorkers = async () => {
    if (running) return;
    if (!opts.workflowBundle) throw new Error('workers need a workflow bundle');
    nativeConnection ??= await connectWorker(opts.temporalAddress);
    const activities = createActivities({
      db,
      monime,
      temporal: client,
      taskQueue: config.temporal.taskQueue,
      platformFinancialAccountId: config.monime.platformFinancialAccountId,
      logger: logger.child({ component: 'activities' }),
    });
    running = runWorkers(await createWorkers({ config, connection: nativeConnection, activities, workflowBundle: opts.workflowBundle }));
    running.done.catch((error) => logger.error({ err: error }, 'worker stopped with an error'));
  };
  const stopWorkers = async () => {
    const current = running;
    running = null;
    await current?.shutdown();
  };
  if (opts.runWorkers !== false) await startWorkers();

  let api: RunningApi | null = null;
  let limiterClose: (() => Promise<void>) | null = null;
  if (opts.runApi !== false) {
    const app = createApiApp({
      config,
      db,
      temporal: client,
      monime,
      logger: logger.child({ component: 'api' }),
      metrics: createApiMetrics(),
      readiness: createReadiness(connection, db),
    });
    limiterClose = () => app.limiter.close();
    api = await startApiServer(app, config.port);
  }

  return {
    api,
    db,
    client,
    monime,
    startWorkers,
    stopWorkers,
    async stop() {
      await api?.close();
      await limiterClose?.();
      await stopWorkers();
      await nativeConnection?.close();
      await connection.close();
      await db.end();
    },
  };
}
