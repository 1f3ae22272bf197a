import type { Config } from '../config';
import type { Logger } from '../observability/logger';
import { ensureTemporalCli } from '../temporal/cli';
import { startDevServer, type DevServer } from '../temporal/devServer';
import type { Stopper } from './stopper';

/** Temporal at a given address, or an embedded dev server (state in `dataDir/temporal.db`). */
export type TemporalPart =
  | { address: string }
  | {
      devServer: {
        dataDir: string;
        port: number;
        uiPort: number;
        /** The bench's ablation only. */
        sqlitePragmas?: readonly string[];
        /** The bench's ablation only. */
        dynamicConfig?: Readonly<Record<string, string>>;
      };
    };

/** TEMPORAL_ADDRESS when set; else the embedded dev server on TEMPORAL_DEV_PORT/TEMPORAL_UI_PORT under DATA_DIR. */
export function temporalFromConfig(config: Config): TemporalPart {
  if (config.temporal.address) return { address: config.temporal.address };
  return { devServer: { dataDir: config.dataDir, port: config.temporal.devPort, uiPort: config.temporal.uiPort } };
}

/**
 * The address to connect to; starts the dev server first when asked to (finding or building
 * the Temporal CLI, TEMPORAL_CLI_PATH first), and registers its stop.
 */
export async function startTemporal(opts: {
  part: TemporalPart;
  config: Config;
  logger: Logger;
  stopper: Stopper;
  /** Lines for the person at the terminal (the one-time CLI build). */
  say?: (line: string) => void;
}): Promise<{ address: string; devServer: DevServer | null }> {
  if ('address' in opts.part) return { address: opts.part.address, devServer: null };
  const cliPath = await ensureTemporalCli({ configuredPath: opts.config.temporal.cliPath, log: opts.say });
  const devServer = await startDevServer({
    cliPath,
    ...opts.part.devServer,
    namespace: opts.config.temporal.namespace,
    log: (line) => opts.logger.info(line),
  });
  opts.stopper.add('Temporal dev server', () => devServer.stop());
  return { address: devServer.address, devServer };
}
