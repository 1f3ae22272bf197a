import path from 'node:path';
import { Client as PgClient } from 'pg';
import { startTemporalOnPostgres, type RunningServer } from '../../temporal/server';
import { TEST_DATA_DIR } from './testServer';
import { bundleWorkflowsOnce } from './workflowBundle';

/** Per run, so two runs on one machine never share a cluster's databases. */
export const CLUSTER_DATABASE = `fareflow_cluster_temporal_${process.pid}`;
const ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * `npm run test:cluster`: the same tests as the integration project, on a Temporal server on
 * PostgreSQL (built from Go modules once, fresh databases per run) instead of the dev server.
 */
export default async function clusterGlobalSetup(): Promise<void> {
  const started = Date.now();
  const say = (line: string) => process.stderr.write(`[cluster] ${line}\n`);
  const [server, bundle] = await Promise.all([
    startTemporalOnPostgres({
      configDir: path.join(TEST_DATA_DIR, `cluster-${process.pid}`),
      database: {
        host: '127.0.0.1',
        port: 5432,
        user: 'postgres',
        password: '',
        names: { default: CLUSTER_DATABASE, visibility: `${CLUSTER_DATABASE}_visibility` },
      },
      namespace: 'default',
      frontendPort: 0,
      numHistoryShards: 4,
      say,
    }),
    bundleWorkflowsOnce(),
  ]);
  process.env.FAREFLOW_TEST_TEMPORAL_ADDRESS = server.address;
  process.env.FAREFLOW_TEST_WORKFLOW_BUNDLE = bundle;
  (globalThis as { __fareflowCluster?: RunningServer }).__fareflowCluster = server;
  say(`Temporal server on PostgreSQL ${server.address} (log ${server.logFile}), workflows bundled, in ${Date.now() - started} ms`);
}

export async function dropClusterDatabases(): Promise<void> {
  const admin = new PgClient({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    for (const name of [CLUSTER_DATABASE, `${CLUSTER_DATABASE}_visibility`])
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}
