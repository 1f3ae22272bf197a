import { Client } from '@temporalio/client';
import type { RunningApi } from '../api/server';
import type { Config } from '../config';
import { createPool, type Db } from '../db/pool';
import { seedDemoCatalog } from '../db/queries/seed';
import { MonimeClient } from '../monime/client';
import type { Logger } from '../observability/logger';
import type { RunningSimulator } from '../simulator';
import { connectClient } from '../temporal/connection';
import type { DevServer } from '../temporal/devServer';
import { requireSearchAttributes } from '../temporal/searchAttributes';
import { bundleWorkflows, type WorkflowBundle } from '../workers/bundle';
import { databasePoolSize, type WorkerTuning } from '../workers/createWorkers';
import { installWorkerRuntime } from '../workers/runtime';
import { startApi } from './startApi';
import { monimeFromConfig, startMonime, type MonimePart } from './startMonime';
import { startTemporal, temporalFromConfig, type TemporalPart } from './startTemporal';
import { databaseFromConfig, migrateWithProgress, startDatabase, type DatabasePart, type RunningDatabase } from './startDatabase';
import { createWorkerSet } from './startWorkers';
import { Stopper } from './stopper';

export interface AssembleOptions {
  config: Config;
  logger: Logger;
  /** Receives every part's stop step; pass one to install signal handlers before anything starts. */
  stopper?: Stopper;
  /** Lines for the person at the terminal (the one-time Temporal CLI build); stderr by default. */
  say?: (line: string) => void;
  /** Installs the process's Temporal worker runtime first (SDK logs into pino, metrics exporter). Omit where the process installed one. */
  workerRuntime?: { metricsPort?: number; metricsHost?: string };
  /** Default from config: TEMPORAL_ADDRESS, else the embedded dev server. */
  temporal?: TemporalPart;
  /**
   * Default from config: DATABASE_URL, else the local PostgreSQL or an embedded one already
   * running in the data folder. `npm start` and the bench ask to start the embedded one.
   */
  database?: DatabasePart;
  /** Create the database when missing and run the migrations. Default false. */
  migrate?: boolean;
  /** Default from config: MONIME_BASE_URL, else the simulator in this process. */
  monime?: MonimePart;
  /** The demo company and route of the README's example. Default false. */
  seedDemo?: boolean;
  /** Run the workers. Default true. */
  workers?: boolean;
  /** Bundled already (tests bundle once per run); else bundled here, while Temporal and the database start. */
  workflowBundle?: WorkflowBundle;
  /** Run the API on `config.port`. Default true. */
  api?: boolean;
  /** The main worker's cache, slots and pollers; workers/createWorkers.ts's defaults unless given (the bench's ablation). */
  workerTuning?: WorkerTuning;
  /** How a payment's last status write hands over its audit trail; activities/index.ts's default unless given (the bench's ablation). */
  auditTrailHandOver?: 'insert' | 'batcher';
}

export interface Fareflow {
  /** The configuration as it runs: DATABASE_URL, TEMPORAL_ADDRESS and MONIME_BASE_URL of the parts started here filled in. */
  config: Config & { databaseUrl: string };
  /** Which PostgreSQL it uses (the banner says so). */
  database: RunningDatabase;
  api: RunningApi | null;
  db: Db;
  client: Client;
  monime: MonimeClient;
  simulator: RunningSimulator | null;
  devServer: DevServer | null;
  /** Starts the workers again after `stopWorkers` (crash-and-restart tests). */
  startWorkers(): Promise<void>;
  stopWorkers(): Promise<void>;
  /** Everything, in reverse order of start (stopper.stopAll). */
  stop(): Promise<void>;
}

/**
 * The one way to assemble fareflow — `npm start`, the API and worker processes, the bench and
 * the test harness all come through here, each asking for the parts it needs. Start order:
 * Temporal (dev server or address) beside the database (DATABASE_URL, local or embedded PostgreSQL) and its migrations, the simulator, the pool, the demo
 * seed, the Temporal client, the workers, the API. Each part puts its stop in the stopper as
 * soon as it runs, so stopping is the reverse: API, rate-limiter store, workers, worker
 * connection, client connection, pool, simulator, dev server. A failure halfway stops what
 * was started, then rethrows.
 */
export async function assembleFareflow(opts: AssembleOptions): Promise<Fareflow> {
  const stopper = opts.stopper ?? new Stopper(opts.logger);
  try {
    return await assemble(opts, stopper);
  } catch (error) {
    await stopper.stopAll().catch(() => undefined); // each failed step is logged by the stopper
    throw error;
  }
}

async function assemble(opts: AssembleOptions, stopper: Stopper): Promise<Fareflow> {
  const { config, logger } = opts;
  const runWorkers = opts.workers !== false;
  const runApi = opts.api !== false;
  if (opts.workerRuntime) await installWorkerRuntime({ logger: logger.child({ component: 'temporal-sdk' }), ...opts.workerRuntime });

  // Bundling is the slowest step and needs nothing else: it runs while Temporal and the database start.
  let bundling: Promise<WorkflowBundle> | null = opts.workflowBundle ? Promise.resolve(opts.workflowBundle) : null;
  const workflowBundle = () => (bundling ??= bundleWorkflows());
  if (runWorkers) workflowBundle().catch(() => undefined); // awaited by the workers; a failure elsewhere first must not leave it unhandled

  const { temporal, database } = await startTemporalAndDatabase(opts, stopper);
  const databaseUrl = database.url;
  const temporalAddress = temporal.address;

  const { baseUrl: monimeBaseUrl, simulator } = await startMonime({
    part: opts.monime ?? monimeFromConfig(config),
    config,
    logger,
    stopper,
    webhookUrl: runApi && config.port ? `http://127.0.0.1:${config.port}/webhooks/monime` : undefined,
  });

  const db = await openPool(opts, databaseUrl, { workers: runWorkers, api: runApi }, stopper);

  const { connection, client } = await connectTemporalClient(config, temporalAddress, stopper);
  const monime = monimeClient(config, monimeBaseUrl);

  const workers = createWorkerSet({
    config,
    temporalAddress,
    db,
    monime,
    client,
    logger,
    workflowBundle,
    stopper,
    workerTuning: opts.workerTuning,
    auditTrailHandOver: opts.auditTrailHandOver,
  });
  if (runWorkers) await workers.start();
  const workerConnection = workers.connection();
  // Eager start needs the client and the worker on one NativeConnection, so only where both run here.
  const eagerStarts =
    config.temporal.eagerStart && workerConnection
      ? new Client({ connection: workerConnection, namespace: config.temporal.namespace })
      : undefined;

  const api = runApi ? await startApi({ config, db, client, eagerStarts, connection, monime, logger, stopper }) : null;
  if (api) simulator?.setWebhookUrl(`${api.url}/webhooks/monime`);

  return {
    config: {
      ...config,
      databaseUrl,
      temporal: { ...config.temporal, address: temporalAddress },
      monime: { ...config.monime, baseUrl: monimeBaseUrl },
    },
    database,
    api,
    db,
    client,
    monime,
    simulator,
    devServer: temporal.devServer,
    startWorkers: workers.start,
    stopWorkers: workers.stop,
    stop: () => stopper.stopAll(),
  };
}

/** Temporal (dev server or address) beside the database and its migrations. */
async function startTemporalAndDatabase(
  opts: AssembleOptions,
  stopper: Stopper,
): Promise<{ temporal: Awaited<ReturnType<typeof startTemporal>>; database: RunningDatabase }> {
  const { config, logger } = opts;
  // Both settle before going on, so a dev server that came up beside a failed migration is stopped too.
  const [temporal, database] = await Promise.allSettled([
    startTemporal({ part: opts.temporal ?? temporalFromConfig(config), config, logger, stopper, say: opts.say }),
    startDatabase({ part: opts.database ?? databaseFromConfig(config, { startEmbedded: false }), stopper, say: opts.say }).then(
      async (running) => {
        // Said only where someone watches a terminal (npm start, the bench); tests and the API process migrate silently.
        if (opts.migrate) await migrateWithProgress(running.url, opts.say ?? (() => undefined));
        return running;
      },
    ),
  ]);
  if (temporal.status === 'rejected') throw temporal.reason;
  if (database.status === 'rejected') throw database.reason;
  return { temporal: temporal.value, database: database.value };
}

/** The pool, sized for the parts that run here, and the demo seed when asked for. */
async function openPool(
  opts: AssembleOptions,
  databaseUrl: string,
  runs: Parameters<typeof databasePoolSize>[0],
  stopper: Stopper,
): Promise<Db> {
  const db = createPool(databaseUrl, databasePoolSize(runs), (error) =>
    opts.logger.warn({ err: error }, 'an idle database connection was closed; the pool opens another'),
  );
  stopper.add('database pool', () => db.end());
  if (opts.seedDemo) await seedDemoCatalog(db);
  return db;
}

/** The Temporal client, once the namespace is known to have fareflow's search attributes. */
async function connectTemporalClient(
  config: Config,
  address: string,
  stopper: Stopper,
): Promise<Awaited<ReturnType<typeof connectClient>>> {
  const connected = await connectClient(address, config.temporal.namespace, config.temporal.access);
  stopper.add('Temporal client connection', () => connected.connection.close());
  await requireSearchAttributes(connected.connection, config.temporal.namespace);
  return connected;
}

function monimeClient(config: Config, baseUrl: string): MonimeClient {
  return new MonimeClient({
    baseUrl,
    accessToken: config.monime.accessToken,
    spaceId: config.monime.spaceId,
    version: config.monime.version,
    timeoutMs: config.monime.httpTimeoutMs,
  });
}
