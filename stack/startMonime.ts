import type { Config } from '../config';
import type { Logger } from '../observability/logger';
import { startSimulator, type FaultConfig, type RunningSimulator } from '../simulator';
import type { Stopper } from './stopper';

/** MoniMe at a given base URL, or the built-in simulator in this process (`port` 0: a free one). */
export type MonimePart = { baseUrl: string } | { simulator: { port: number; faults?: Partial<FaultConfig> } };

/** MONIME_BASE_URL when set; else the simulator on SIMULATOR_PORT with SIMULATOR_FAULTS. */
export function monimeFromConfig(config: Config): MonimePart {
  if (config.monime.baseUrl) return { baseUrl: config.monime.baseUrl };
  return { simulator: { port: config.monime.simulatorPort, faults: config.monime.simulatorFaults } };
}

/** The base URL MoniMe calls go to; starts the simulator first when asked to, and registers its stop. */
export async function startMonime(opts: {
  part: MonimePart;
  config: Config;
  logger: Logger;
  stopper: Stopper;
  /** Where the simulator sends its webhooks until the API is up (`setWebhookUrl` then). */
  webhookUrl?: string;
}): Promise<{ baseUrl: string; simulator: RunningSimulator | null }> {
  const { config, logger } = opts;
  if ('baseUrl' in opts.part) return { baseUrl: opts.part.baseUrl, simulator: null };
  if (config.nodeEnv === 'production')
    logger.warn(
      'NODE_ENV=production without MONIME_BASE_URL: payments go to the built-in simulator, not MoniMe (its /_sim/* routes are not served)',
    );
  const simulator = await startSimulator({
    port: opts.part.simulator.port,
    accessToken: config.monime.accessToken,
    spaceId: config.monime.spaceId,
    platformAccountId: config.monime.platformFinancialAccountId,
    webhookUrl: opts.webhookUrl,
    webhookSecret: config.monime.webhookSecrets[0],
    faults: opts.part.simulator.faults,
    logger,
    production: config.nodeEnv === 'production',
  });
  opts.stopper.add('MoniMe simulator', () => simulator.close());
  return { baseUrl: simulator.url, simulator };
}
