/**
 * `npm start`: the whole system on embedded defaults — Temporal dev server (unless
 * TEMPORAL_ADDRESS is set), PostgreSQL database and migrations (DATABASE_URL, else the local
 * server, else an embedded one under the data folder), MoniMe simulator (unless MONIME_BASE_URL
 * is set), workers and API — then prints where everything is, and which PostgreSQL it uses.
 */
import { ConfigError, loadConfig, type Config } from '../config';
import { DEMO_ROUTE_ID } from '../db/queries/seed';
import { EmbeddedPostgresUnavailable } from '../db/server/binaries';
import { createLogger } from '../observability/logger';
import { assembleFareflow } from '../stack/assemble';
import { databaseFromConfig, describeDatabase } from '../stack/startDatabase';
import { Stopper, stopOnSignals } from '../stack/stopper';
import { TemporalCliMissing } from '../temporal/cli';
import { PortInUse } from '../temporal/ports';
import { MissingSearchAttributes } from '../temporal/searchAttributes';

const say = (line: string) => process.stdout.write(`${line}\n`);
/** Set once the logger exists; stops what has been started so far, also when starting fails halfway. */
let stopper: Stopper | null = null;

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
  stopper = new Stopper(logger);
  // Installed before anything starts: Ctrl-C during a slow first start (the CLI build) stops what is up.
  stopOnSignals(stopper, say, {
    stopping: (signal) => `\n${signal}: stopping (API, workers, simulator, Temporal, PostgreSQL)…`,
    stopped: 'stopped.',
  });

  const fareflow = await assembleFareflow({
    config,
    logger,
    stopper,
    say,
    workerRuntime: { metricsPort: config.temporal.workerMetricsPort },
    // Contract §1: with DATABASE_URL unset and no local server, PostgreSQL runs embedded.
    database: databaseFromConfig(config, { startEmbedded: true }),
    migrate: true,
    // The demo route is paid through the built-in simulator (README's example).
    seedDemo: !config.monime.baseUrl,
  });

  const sim = fareflow.simulator;
  const dev = fareflow.devServer;
  say('');
  say('fareflow is running');
  say(`  API                 ${fareflow.api!.url}   (webhooks: POST /webhooks/monime)`);
  say(`  PostgreSQL          ${describeDatabase(fareflow.database, config)}`);
  if (dev) say(`  Temporal Web UI     ${dev.uiUrl}`);
  say(
    `  Temporal gRPC       ${fareflow.config.temporal.address}   namespace ${config.temporal.namespace}, task queue ${config.temporal.taskQueue}`,
  );
  if (config.temporal.workerMetricsPort) say(`  Worker metrics      http://127.0.0.1:${config.temporal.workerMetricsPort}/metrics`);
  if (sim) {
    say(`  MoniMe simulator    ${sim.url}   (pay a code: POST /_sim/payment-codes/<id>/pay)`);
    say(`  demo route          ${DEMO_ROUTE_ID}`);
    if (config.monime.simulatorFaults) say(`  simulator faults    ${JSON.stringify(config.monime.simulatorFaults)}   (SIMULATOR_FAULTS)`);
  } else say(`  MoniMe              ${config.monime.baseUrl}`);
  if (config.usesDevSecrets.webhookSecret) say(`  webhook secret      ${config.monime.webhookSecrets[0]}   (dev value)`);
  if (config.usesDevSecrets.apiToken) say(`  API token           ${config.apiToken}   (dev value)`);
  say(`ready in ${Date.now() - started} ms — Ctrl-C stops everything`);
}

main().catch(async (error) => {
  if (
    error instanceof TemporalCliMissing ||
    error instanceof PortInUse ||
    error instanceof MissingSearchAttributes ||
    error instanceof EmbeddedPostgresUnavailable
  )
    process.stderr.write(`fareflow: ${error.message}\n`);
  else if ((error as { code?: string }).code === 'EADDRINUSE')
    process.stderr.write(`fareflow: ${(error as Error).message}: another fareflow may be running, or set PORT / SIMULATOR_PORT\n`);
  else process.stderr.write(`fareflow failed to start: ${(error as Error).stack ?? error}\n`);
  await stopper?.stopAll().catch(() => undefined); // each failed step is logged
  process.exit(1);
});
