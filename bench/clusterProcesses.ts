import path from 'node:path';
import { loadConfig } from '../config';
import { createPool } from '../db/pool';
import type { Logger } from '../observability/logger';
import { assembleFareflow } from '../stack/assemble';
import { describeDatabase, type RunningDatabase } from '../stack/startDatabase';
import type { Stopper } from '../stack/stopper';
import { freeLowPort } from '../temporal/ports';
import { startTemporalOnPostgres } from '../temporal/server';
import type { WorkflowBundle } from '../workers/bundle';
import { startNode, waitUntil } from './processes';
import type { BenchTarget } from './target';

export const CLUSTER_SHAPE = { apis: 2, workers: 3, historyShards: 4 } as const;

interface ClusterOptions {
  name: string;
  dataDir: string;
  database: RunningDatabase;
  stopper: Stopper;
  /** Dropped with the bench's own database when the stack stops. */
  extraDatabases: string[];
  logger: Logger;
  env: Record<string, string>;
  workflowBundle: WorkflowBundle;
  logDir: string;
  say: (line: string) => void;
}

/** Temporal on the bench's PostgreSQL server, in databases of its own. */
async function startTemporalServer(opts: ClusterOptions) {
  const url = new URL(opts.database.url);
  const name = `${decodeURIComponent(url.pathname.slice(1))}_temporal`;
  opts.extraDatabases.push(name, `${name}_visibility`);
  const server = await startTemporalOnPostgres({
    configDir: path.join(opts.dataDir, 'temporal'),
    database: {
      host: url.hostname,
      port: Number(url.port || 5432),
      user: decodeURIComponent(url.username || 'postgres'),
      password: decodeURIComponent(url.password),
      names: { default: name, visibility: `${name}_visibility` },
    },
    namespace: 'default',
    frontendPort: 0,
    numHistoryShards: CLUSTER_SHAPE.historyShards,
    say: opts.say,
  });
  opts.stopper.add('Temporal server', () => server.stop());
  return server;
}

/**
 * Temporal on PostgreSQL, then this process's part (migrations, the simulator, a Temporal
 * client: no API, no workers), then the API and worker processes, each its own OS process.
 */
export async function startClusterProcesses(opts: ClusterOptions): Promise<Omit<BenchTarget, 'stop'>> {
  const server = await startTemporalServer(opts);
  const config = loadConfig({ ...opts.env, PORT: '0', TEMPORAL_ADDRESS: server.address, DATABASE_URL: opts.database.url });
  const control = await assembleFareflow({
    config,
    logger: opts.logger,
    stopper: opts.stopper,
    workerRuntime: {},
    database: { url: opts.database.url },
    migrate: true,
    monime: { simulator: { port: 0 } },
    workers: false,
    api: false,
  });
  // The assembler sizes its pool for the API and workers it runs: none here, so the bench's reads get a pool of their own.
  const db = createPool(opts.database.url, 4);
  opts.stopper.add('bench pool', () => db.end());
  const simulator = control.simulator!;
  const childEnv = { ...opts.env, DATABASE_URL: opts.database.url, TEMPORAL_ADDRESS: server.address, MONIME_BASE_URL: simulator.url };
  const logFile = (part: string) => path.join(opts.logDir, `${opts.name}-${part}.log`);

  const apiUrls = await Promise.all(
    Array.from({ length: CLUSTER_SHAPE.apis }, async (_, i) => {
      const port = await freeLowPort();
      const api = startNode('api/main.ts', { ...childEnv, PORT: String(port) }, logFile(`api-${i + 1}`));
      opts.stopper.add(`API process ${i + 1}`, () => api.stop());
      const url = `http://127.0.0.1:${port}`;
      await waitUntil(`API process ${i + 1}`, async () => (await fetch(`${url}/readyz`)).ok, 120_000, logFile(`api-${i + 1}`));
      return url;
    }),
  );
  const workerPids = Array.from({ length: CLUSTER_SHAPE.workers }, (_, i) => {
    const worker = startNode('workers/main.ts', { ...childEnv, WORKER_METRICS_PORT: '0' }, logFile(`worker-${i + 1}`));
    opts.stopper.add(`worker process ${i + 1}`, () => worker.stop());
    return worker.pid;
  });
  // A worker is ready once Temporal sees it polling: its identity is `<pid>@<host>`.
  await waitUntil(
    `${CLUSTER_SHAPE.workers} worker processes`,
    async () => {
      const { pollers } = await control.client.workflowService.describeTaskQueue({
        namespace: config.temporal.namespace,
        taskQueue: { name: config.temporal.taskQueue },
        taskQueueType: 1, // workflow tasks
      });
      const polling = new Set((pollers ?? []).map((poller) => Number(poller.identity?.split('@')[0])));
      return workerPids.every((pid) => polling.has(pid));
    },
    300_000,
    logFile('worker-*'),
  );
  simulator.setWebhookUrl(`${apiUrls[0]}/webhooks/monime`);
  return {
    name: opts.name,
    apiUrls,
    apiToken: config.apiToken,
    webhookSecret: config.monime.webhookSecrets[0],
    simulator,
    db,
    client: control.client,
    describe: [
      `cluster: Temporal ${server.address} on PostgreSQL (${CLUSTER_SHAPE.historyShards} history shards), ` +
        `${CLUSTER_SHAPE.apis} API and ${CLUSTER_SHAPE.workers} worker processes, MoniMe simulator in the bench process`,
      `PostgreSQL: ${describeDatabase(opts.database, config)}`,
    ],
  };
}
