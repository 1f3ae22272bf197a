/**
 * A worker process on its own (docker-compose, `npm run worker`, crash tests): needs
 * TEMPORAL_ADDRESS and MONIME_BASE_URL, starts nothing else.
 */
import { loadConfig } from '../config';
import { createLogger } from '../observability/logger';
import { assembleFareflow } from '../stack/assemble';
import { Stopper, stopOnSignals } from '../stack/stopper';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel, 'fareflow-worker');
  if (!config.temporal.address || !config.monime.baseUrl) throw new Error('a worker process needs TEMPORAL_ADDRESS and MONIME_BASE_URL');
  const stopper = new Stopper(logger);
  await assembleFareflow({
    config,
    logger,
    stopper,
    // A worker process runs in a container: Prometheus scrapes it from another host.
    workerRuntime: { metricsPort: config.temporal.workerMetricsPort || undefined, metricsHost: '0.0.0.0' },
    api: false,
  });
  stopOnSignals(stopper, (line) => logger.info(line));
  logger.info({ taskQueue: config.temporal.taskQueue }, 'worker ready');
}

main().catch((error) => {
  process.stderr.write(`worker failed: ${(error as Error).stack ?? error}\n`);
  process.exit(1);
});
