import path from 'node:path';
import type { Config } from '../../config';
import { answers } from './ports';
import { runningPostmaster } from './postmasterPid';

/** Contract §1: the database `npm start` uses when DATABASE_URL is unset. */
export const DEFAULT_DATABASE_NAME = 'fareflow';

export type DatabaseSource = 'DATABASE_URL' | 'local' | 'embedded';

/** Where the embedded PostgreSQL keeps its files: `postgresql/` in the git-ignored data folder. */
export function embeddedPgdata(dataDir: string): string {
  return path.join(dataDir, 'postgresql');
}

/** `database` on the server at `address` (host:port), as the superuser `postgres` without a password. */
export function localDatabaseUrl(address: string, database: string): string {
  return `postgres://postgres@${address}/${encodeURIComponent(database)}`;
}

/** The same server and credentials, another database. */
export function onDatabase(url: string, database: string): string {
  const other = new URL(url);
  other.pathname = `/${encodeURIComponent(database)}`;
  return other.toString();
}

export class DatabaseNotFound extends Error {}

/**
 * A server already up, without starting one: the local PostgreSQL when it answers, else an
 * embedded one a running `npm start` keeps in the data folder. Null when there is neither.
 */
export async function findRunningServer(opts: {
  localAddress: string;
  pgdata: string;
  databaseName: string;
}): Promise<{ url: string; source: 'local' | 'embedded' } | null> {
  if (await answers(opts.localAddress)) return { url: localDatabaseUrl(opts.localAddress, opts.databaseName), source: 'local' };
  const embedded = runningPostmaster(opts.pgdata);
  if (embedded) return { url: localDatabaseUrl(`127.0.0.1:${embedded.port}`, opts.databaseName), source: 'embedded' };
  return null;
}

/**
 * The database of processes that never start PostgreSQL themselves (ops CLI, `npm run migrate`,
 * db:explain, a lone API or worker): DATABASE_URL, else the server `npm start` would use.
 */
export async function findDatabaseUrl(config: Config): Promise<string> {
  if (config.databaseUrl) return config.databaseUrl;
  const pgdata = embeddedPgdata(config.dataDir);
  const found = await findRunningServer({ localAddress: config.localPostgresAddress, pgdata, databaseName: DEFAULT_DATABASE_NAME });
  if (found) return found.url;
  throw new DatabaseNotFound(noServerMessage(config.localPostgresAddress, pgdata));
}

export function noServerMessage(localAddress: string, pgdata: string): string {
  return (
    `no PostgreSQL: DATABASE_URL is unset, nothing answers on ${localAddress} (LOCAL_POSTGRES_ADDRESS), ` +
    `and no embedded server runs on ${pgdata}. Start \`npm start\` first, or set DATABASE_URL.`
  );
}
