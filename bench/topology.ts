import fs from 'node:fs';
import path from 'node:path';
import { Client as PgClient } from 'pg';
import {
  DEV_MONIME_ACCESS_TOKEN,
  DEV_MONIME_SPACE_ID,
  DEV_WEBHOOK_SECRET,
  SIMULATOR_PLATFORM_ACCOUNT_ID,
  loadConfig,
  type Config,
} from '../config';
import { startEmbeddedPostgres } from '../db/server/embeddedPostgres';
import { localDatabaseUrl, onDatabase } from '../db/server/findDatabase';
import { createLogger, type Logger } from '../observability/logger';
import { assembleFareflow } from '../stack/assemble';
import { describeDatabase, startDatabase, type DatabasePart, type RunningDatabase } from '../stack/startDatabase';
import { Stopper } from '../stack/stopper';
import { freeLowPort } from '../temporal/ports';
import type { WorkflowBundle } from '../workers/bundle';
import { BENCH_ENV, LIFTED_TRANSFER_LIMIT, type StackVariant } from './ablation';
import { startClusterProcesses } from './clusterProcesses';
import type { BenchTarget } from './target';

export interface TopologyOptions {
  /** Names the stack in tables and its database. */
  name: string;
  variant: StackVariant;
  /** Where the stack's files go (Temporal's state, logs, an embedded PostgreSQL). */
  temporalData: string;
  workflowBundle: WorkflowBundle;
  /** Where the stack's logs go (kept after it stopped): `<name>.log`, and one file per child process. */
  logDir: string;
  say: (line: string) => void;
}

/** The stack's own log, in a file: a 503 is a warning, and thousands of them must not bury the progress line. */
function stackLogger(opts: TopologyOptions): Logger {
  fs.mkdirSync(opts.logDir, { recursive: true });
  return createLogger('warn', `bench-${opts.name}`, fs.createWriteStream(path.join(opts.logDir, `${opts.name}.log`)));
}

export const BENCH_TASK_QUEUE = 'bench';

/** The configuration every part of a bench stack reads, as environment variables (for child processes too). */
export function benchEnv(variant: StackVariant): Record<string, string> {
  return {
    TEMPORAL_TASK_QUEUE: BENCH_TASK_QUEUE,
    MONIME_ACCESS_TOKEN: DEV_MONIME_ACCESS_TOKEN,
    MONIME_SPACE_ID: DEV_MONIME_SPACE_ID,
    PLATFORM_FINANCIAL_ACCOUNT_ID: SIMULATOR_PLATFORM_ACCOUNT_ID,
    MONIME_WEBHOOK_SECRET: DEV_WEBHOOK_SECRET,
    ...BENCH_ENV,
    ...(variant.transferLimit === 'configured' ? {} : LIFTED_TRANSFER_LIMIT),
    ...variant.env,
  };
}

/** DATABASE_URL's server, else the local one, else an embedded one in the stack's folder; always a database of the bench's own. */
function benchDatabase(env: Config, databaseName: string, pgdata: string): DatabasePart {
  if (env.databaseUrl) return { url: onDatabase(env.databaseUrl, databaseName) };
  return { localOrEmbedded: { localAddress: env.localPostgresAddress, pgdata, databaseName, startEmbedded: true } };
}

async function dropDatabases(url: string, names: string[]): Promise<void> {
  const admin = new PgClient({ connectionString: onDatabase(url, 'postgres') });
  await admin.connect();
  try {
    for (const name of names) await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

/**
 * The cluster's own PostgreSQL server: its five processes' pools (each worker process sizes its
 * pool to its 60 slots, workers/createWorkers.ts) and Temporal's need more than a default
 * server's 100 connections, and a shared local server must not be reconfigured by a bench.
 */
async function ownPostgres(dataDir: string, databaseName: string, stopper: Stopper, say: (line: string) => void): Promise<RunningDatabase> {
  const pgdata = path.join(dataDir, 'postgresql');
  const server = await startEmbeddedPostgres({ pgdata, say, settings: { max_connections: String(CLUSTER_MAX_CONNECTIONS) } });
  stopper.add('bench PostgreSQL', () => server.stop());
  return { url: localDatabaseUrl(`127.0.0.1:${server.port}`, databaseName), source: 'embedded', pgdata };
}

const CLUSTER_MAX_CONNECTIONS = 500;

/** The stack's folder and database, both removed when it stops (an embedded server's files go with the folder). */
async function benchFoundation(opts: TopologyOptions, logger: Logger, postgres: 'shared' | 'own' = 'shared') {
  const dataDir = fs.mkdtempSync(path.join(opts.temporalData, `fareflow-bench-${opts.name}-`));
  fs.chmodSync(dataDir, 0o755); // as root, an embedded PostgreSQL runs as the `postgres` user, which must enter it
  const databaseName = `fareflow_bench_${opts.name.replace(/\W/g, '_')}_${Date.now()}`;
  const stopper = new Stopper(logger);
  stopper.add('bench folder', () => fs.rmSync(dataDir, { recursive: true, force: true }));
  const extraDatabases: string[] = [];
  let used: RunningDatabase | null = null;
  stopper.add('bench databases', async () => {
    if (used && used.source !== 'embedded') await dropDatabases(used.url, [databaseName, ...extraDatabases]);
  });
  const database =
    postgres === 'own'
      ? await ownPostgres(dataDir, databaseName, stopper, opts.say)
      : await startDatabase({ part: benchDatabase(loadConfig(), databaseName, path.join(dataDir, 'postgresql')), stopper, say: opts.say });
  used = database;
  return { dataDir, database, stopper, extraDatabases };
}

/** `npm start`'s shape: dev server, API, workers and simulator in this one process. */
export async function startEmbedded(opts: TopologyOptions): Promise<BenchTarget> {
  const logger = stackLogger(opts);
  const { dataDir, database, stopper } = await benchFoundation(opts, logger);
  const config = loadConfig({ PORT: '0', ...benchEnv(opts.variant) });
  const fareflow = await assembleFareflow({
    config,
    logger,
    stopper,
    say: opts.say,
    workerRuntime: {},
    temporal: {
      devServer: {
        dataDir,
        port: await freeLowPort(),
        uiPort: await freeLowPort(),
        sqlitePragmas: opts.variant.sqlitePragmas,
        dynamicConfig: opts.variant.devServerDynamicConfig,
      },
    },
    database: { url: database.url },
    migrate: true,
    monime: { simulator: { port: 0 } },
    workflowBundle: opts.workflowBundle,
    workerTuning: opts.variant.workerTuning,
    auditTrailHandOver: opts.variant.auditTrailHandOver,
  });
  return {
    name: opts.name,
    apiUrls: [fareflow.api!.url],
    apiToken: config.apiToken,
    webhookSecret: DEV_WEBHOOK_SECRET,
    simulator: fareflow.simulator!,
    db: fareflow.db,
    client: fareflow.client,
    describe: [
      'embedded: Temporal dev server (SQLite), API, workers and MoniMe simulator in one process',
      `PostgreSQL: ${describeDatabase(database, config)}`,
    ],
    stop: () => stopper.stopAll(),
  };
}

/** Issue 13's production shape: Temporal on PostgreSQL (a server of its own), 2 API and 3 worker processes; the simulator here. */
export async function startCluster(opts: TopologyOptions): Promise<BenchTarget> {
  const logger = stackLogger(opts);
  const foundation = await benchFoundation(opts, logger, 'own');
  const target = await startClusterProcesses({ ...opts, ...foundation, logger, env: benchEnv(opts.variant) });
  return { ...target, stop: () => foundation.stopper.stopAll() };
}
