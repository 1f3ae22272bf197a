/**
 * `npm start`: the whole system on embedded defaults — Temporal dev server (unless
 * TEMPORAL_ADDRESS is set), PostgreSQL database and migrations, MoniMe simulator (unless
 * MONIME_BASE_URL is set), workers and API — then prints where everything is.
 */
import { ConfigError, loadConfig, type Config } from '../config';
import { migrate } from '../db/migrate';
import { createPool } from '../db/pool';
import { DEMO_ROUTE_ID, seedDemoCatalog } from '../db/queries/seed';
import { createLogger } from '../observability/logger';
import { startSimulator, type RunningSimulator } from '../simulator';
import { startFareflow, type Fareflow } from '../system/startFareflow';
import { TemporalCliMissing, ensureTemporalCli } from '../temporal/cli';
import { startDevServer, type DevServer } from '../temporal/devServer';
import { PortInUse } from '../temporal/ports';
import { MissingSearchAttributes } from '../temporal/searchAttributes';
import { bundleWorkflows } from '../workers/bundle';
import { installWorkerRuntime } from '../workers/runtime';

const say = (line: string) => process.stdout.write(`${line}\n`);
/** What has been started so far, stopped in reverse order — also when starting fails halfway. */
const stopping: Array<() => Promise<void>> = [];

async function main(): Promise<void> {
  const started = Date.now();
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`fareflow: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);
  await installWorkerRuntime({ logger: logger.child({ component: 'temporal-sdk' }), metricsPort: config.temporal.workerMetricsPort });

  let devServer: DevServer | null = null;
  let simulator: RunningSimulator | null = null;
  let fareflow: Fareflow | null = null;

  const shutdown = async (signal: string) => {
    say(`\n${signal}: stopping (API, workers, simulator, Temporal)…`);
    for (const stop of stopping.reverse()) await stop().catch((error) => logger.error({ err: error }, 'stop failed'));
    say('stopped.');
    process.exit(0);
  };
  let shuttingDown = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (shuttingDown) return;
      shuttingDown = true;
      void shutdown(signal);
    });
  }

  // Bundling is the slowest step and needs nothing else: it runs while Temporal and the database start.
  const bundling = bundleWorkflows();
  bundling.catch(() => undefined); // awaited below; a failure elsewhere first must not leave it unhandled

  async function ensureTemporal(): Promise<string> {
    if (config.temporal.address) return config.temporal.address;
    const cliPath = await ensureTemporalCli({ configuredPath: config.temporal.cliPath, log: say });
    devServer = await startDevServer({
      cliPath,
      dataDir: config.dataDir,
      port: config.temporal.devPort,
      uiPort: config.temporal.uiPort,
      namespace: config.temporal.namespace,
      log: (line) => logger.info(line),
    });
    stopping.push(() => devServer!.stop());
    return devServer.address;
  }

  const [temporalAddress] = await Promise.all([ensureTemporal(), migrate(config.databaseUrl)]);
  await ensureSimulator();
  const workflowBundle = await bundling;

  async function ensureSimulator(): Promise<void> {
    if (config.monime.baseUrl) return;
    if (config.nodeEnv === 'production') logger.warn('NODE_ENV=production without MONIME_BASE_URL: payments go to the built-in simulator, not MoniMe');
    simulator = await startSimulator({
      port: config.monime.simulatorPort,
      accessToken: config.monime.accessToken,
      spaceId: config.monime.spaceId,
      platformAccountId: config.monime.platformFinancialAccountId,
      webhookUrl: `http://127.0.0.1:${config.port}/webhooks/monime`,
      webhookSecret: config.monime.webhookSecrets[0],
      faults: config.monime.simulatorFaults,
      logger,
    });
    stopping.push(() => simulator!.close());
    const seedPool = createPool(config.databaseUrl, 1);
    await seedDemoCatalog(seedPool);
    await seedPool.end();
  }

  fareflow = await startFareflow({
    config,
    temporalAddress,
    logger,
    workflowBundle,
    monimeBaseUrl: config.monime.baseUrl ?? (simulator as RunningSimulator | null)!.url,
  });
  stopping.push(() => fareflow!.stop());

  const sim = simulator as RunningSimulator | null;
  const dev = devServer as DevServer | null;
  say('');
  say('fareflow is running');
  say(`  API                 ${fareflow.api!.url}   (webhooks: POST /webhooks/monime)`);
  if (dev) say(`  Temporal Web UI     ${dev.uiUrl}`);
  say(`  Temporal gRPC       ${temporalAddress}   namespace ${config.temporal.namespace}, task queue ${config.temporal.taskQueue}`);
  if (config.temporal.workerMetricsPort) say(`  Worker metrics      http://127.0.0.1:${config.temporal.workerMetricsPort}/metrics`);
  if (sim) {
    say(`  MoniMe simulator    ${sim.url}   (pay a code: POST /_sim/payment-codes/<id>/pay)`);
    say(`  demo route          ${DEMO_ROUTE_ID}`);
    if (config.monime.simulatorFaults) say(`  simulator faults    ${JSON.stringify(config.monime.simulatorFaults)}   (SIMULATOR_FAULTS)`);
  }
  else say(`  MoniMe              ${config.monime.baseUrl}`);
  if (config.usesDevSecrets.webhookSecret) say(`  webhook secret      ${config.monime.webhookSecrets[0]}   (dev value)`);
  if (config.usesDevSecrets.apiToken) say(`  API token           ${config.apiToken}   (dev value)`);
  say(`ready in ${Date.now() - started} ms — Ctrl-C stops everything`);
}

main().catch(async (error) => {
  if (error instanceof TemporalCliMissing || error instanceof PortInUse || error instanceof MissingSearchAttributes) process.stderr.write(`fareflow: ${error.message}\n`);
  else if ((error as { code?: string }).code === 'EADDRINUSE') process.stderr.write(`fareflow: ${(error as Error).message}: another fareflow may be running, or set PORT / SIMULATOR_PORT\n`);
  else process.stderr.write(`fareflow failed to start: ${(error as Error).stack ?? error}\n`);
  for (const stop of stopping.reverse()) await stop().catch(() => undefined);
  process.exit(1);
});
