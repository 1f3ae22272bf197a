/** The API on its own (docker-compose, `npm run api`): needs TEMPORAL_ADDRESS and MONIME_BASE_URL. */
import { loadConfig } from '../config';
import { migrate } from '../db/migrate';
import { createLogger } from '../observability/logger';
import { stopOnSignals } from '../system/processLifecycle';
import { startFareflow } from '../system/startFareflow';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel, 'fareflow-api');
  if (!config.temporal.address || !config.monime.baseUrl) throw new Error('the API process needs TEMPORAL_ADDRESS and MONIME_BASE_URL');
  await migrate(config.databaseUrl);
  const fareflow = await startFareflow({
    config,
    temporalAddress: config.temporal.address,
    logger,
    monimeBaseUrl: config.monime.baseUrl,
    runWorkers: false,
  });
  stopOnSignals(() => fareflow.stop(), (line) => logger.info(line));
  logger.info({ url: fareflow.api!.url }, 'API ready');
}

main().catch((error) => {
  process.stderr.write(`api failed: ${(error as Error).stack ?? error}\n`);
  process.exit(1);
});
