/**
 * `npm run temporal:ensure`: finds or builds the Temporal CLI ahead of time, so the first
 * `npm start` or `npm test` does not pay for the build.
 */
import { ConfigError, loadConfig } from '../config';
import { TemporalCliMissing, ensureTemporalCli } from '../temporal/cli';

async function main(): Promise<void> {
  const config = loadConfig();
  const cliPath = await ensureTemporalCli({ configuredPath: config.temporal.cliPath, log: (line) => process.stdout.write(`${line}\n`) });
  process.stdout.write(`Temporal CLI: ${cliPath}\n`);
}

main().catch((error) => {
  const known = error instanceof TemporalCliMissing || error instanceof ConfigError;
  process.stderr.write(`${known ? (error as Error).message : ((error as Error).stack ?? String(error))}\n`);
  process.exit(1);
});
