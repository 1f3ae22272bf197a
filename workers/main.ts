/**
 * A worker process on its own (docker-compose, `npm run worker`, crash tests): needs
 * TEMPORAL_ADDRESS and MONIME_BASE_URL, starts nothing else.
 */
import { loadConfig } from '../config';
import { createLogger } from '../observability/logger';
import { stopOnSignals } from '../system/processLifecycle';
import { startFareflow } from '../system/startFareflow';
import { bundleWorkflows } from './bundle';
import { installWorkerRuntime } from './runtime';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel, 'fareflow-worker');
  if (!config.temporal.address || !config.monime.baseUrl) throw new Error('a worker process needs TEMPORAL_ADDRESS and MONIME_BASE_URL');
  // A worker process runs in a container: Prometheus scrapes it from another host.
  await installWorkerRuntime({ logger, metricsPort: config.temporal.workerMetricsPort || undefined, metricsHost: '0.0.0.0' });
  const fareflow = await startFareflow({
    config,
    temporalAddress: config.temporal.address,
    logger,
    workflowBundle: await bundleWorkflows(),
    monimeBaseUrl: config.monime.baseUrl,
    runApi: false,
  });
  stopOnSignals(() => fareflow.stop(), (line) => logger.info(line));
  logger.info({ taskQueue: config.temporal.taskQueue }, 'worker ready');
}

main().catch((error) => {
  process.stderr.write(`worker failed: ${(error as Error).stack ?? error}\n`);
  process.exit(1);
});
