/** The API on its own (docker-compose, `npm run api`): needs TEMPORAL_ADDRESS and MONIME_BASE_URL. */
import { loadConfig } from '../config';
import { createLogger } from '../observability/logger';
import { assembleFareflow } from '../stack/assemble';
import { Stopper, stopOnSignals } from '../stack/stopper';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel, 'fareflow-api');
  if (!config.temporal.address || !config.monime.baseUrl) throw new Error('the API process needs TEMPORAL_ADDRESS and MONIME_BASE_URL');
  const stopper = new Stopper(logger);
  const fareflow = await assembleFareflow({ config, logger, stopper, migrate: true, workers: false });
  stopOnSignals(stopper, (line) => logger.info(line));
  logger.info({ url: fareflow.api!.url }, 'API ready');
}

main().catch((error) => {
  process.stderr.write(`api failed: ${(error as Error).stack ?? error}\n`);
  process.exit(1);
});
