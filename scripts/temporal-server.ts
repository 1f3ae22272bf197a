/**
 * `npm run temporal:server`: a Temporal server on the local PostgreSQL, as production runs one
 * (not the dev server's SQLite): built once from Go modules, its two databases created and
 * migrated, namespace and search attributes registered. Point fareflow at it with
 * TEMPORAL_ADDRESS=127.0.0.1:7233. Ctrl-C stops it; the data stays in PostgreSQL.
 */
import path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { DEFAULT_HISTORY_SHARDS, startTemporalOnPostgres } from '../temporal/server';

const say = (line: string) => process.stdout.write(`${line}\n`);

function positiveInt(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number <= 0) throw new InvalidArgumentError('a positive whole number');
  return number;
}

const program = new Command('temporal:server')
  .option('--database-url <url>', 'PostgreSQL server the databases live on', 'postgres://postgres@127.0.0.1:5432/postgres')
  .option('--database-prefix <name>', 'names the databases <prefix> and <prefix>_visibility', 'temporal')
  .option('--port <port>', "frontend gRPC port (7233: Temporal's standard ports for the other services too)", positiveInt, 7233)
  .option('--history-shards <n>', 'fixed when the databases are created; never changeable', positiveInt, DEFAULT_HISTORY_SHARDS)
  .option('--namespace <name>', 'namespace to register', 'default')
  .option('--metrics-port <port>', "the server's own Prometheus endpoint", positiveInt, 8000)
  .option('--config-dir <dir>', 'where the rendered config and the log go', path.join('.data', 'temporal-server'));

async function main(): Promise<void> {
  const opts = program.parse().opts<{
    databaseUrl: string;
    databasePrefix: string;
    port: number;
    historyShards: number;
    namespace: string;
    metricsPort: number;
    configDir: string;
  }>();
  const url = new URL(opts.databaseUrl);
  const started = Date.now();
  const server = await startTemporalOnPostgres({
    configDir: path.resolve(opts.configDir),
    database: {
      host: url.hostname,
      port: Number(url.port || 5432),
      user: decodeURIComponent(url.username || 'postgres'),
      password: decodeURIComponent(url.password),
      names: { default: opts.databasePrefix, visibility: `${opts.databasePrefix}_visibility` },
    },
    namespace: opts.namespace,
    frontendPort: opts.port,
    numHistoryShards: opts.historyShards,
    metricsPort: opts.metricsPort,
    say,
  });
  say(`Temporal server on PostgreSQL ready in ${Date.now() - started} ms`);
  say(`  gRPC        ${server.address}   namespace ${opts.namespace}, ${opts.historyShards} history shards`);
  say(`  metrics     http://127.0.0.1:${opts.metricsPort}/metrics`);
  say(`  log         ${server.logFile}`);
  say(`  use it      TEMPORAL_ADDRESS=${server.address} npm start`);
  say('Ctrl-C stops it.');
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      say(`\n${signal}: stopping the Temporal server…`);
      void server.stop().then(() => process.exit(0));
    });
  }
}

main().catch((error: Error) => {
  process.stderr.write(`temporal:server failed: ${error.message}\n`);
  process.exit(1);
});
