import type { Config } from '../config';
import { migrate } from '../db/migrate';
import { startEmbeddedPostgres } from '../db/server/embeddedPostgres';
import {
  DEFAULT_DATABASE_NAME,
  DatabaseNotFound,
  embeddedPgdata,
  findRunningServer,
  localDatabaseUrl,
  noServerMessage,
  type DatabaseSource,
} from '../db/server/findDatabase';
import { answers } from '../db/server/ports';
import { beginStep, sayOnStderr, type Say, type Step } from '../observability/progress';
import type { Stopper } from './stopper';

/**
 * Exactly the database at `url`; or, contract §1 with DATABASE_URL unset, `databaseName` on the
 * local PostgreSQL when one answers at `localAddress`, else on an embedded one in `pgdata`
 * — started here when `startEmbedded` (npm start, the bench), else only found running.
 */
export type DatabasePart =
  { url: string } | { localOrEmbedded: { localAddress: string; pgdata: string; databaseName: string; startEmbedded: boolean } };

export interface RunningDatabase {
  url: string;
  source: DatabaseSource;
  /** The embedded server's files. */
  pgdata?: string;
}

/** The banner's line: the URL without its password, and which of contract §1's three cases it is. */
export function describeDatabase(database: RunningDatabase, config: Config): string {
  const url = new URL(database.url);
  if (url.password) url.password = '***';
  const why = {
    DATABASE_URL: 'DATABASE_URL',
    local: `the local server on ${config.localPostgresAddress}`,
    embedded: `embedded, files in ${database.pgdata ?? embeddedPgdata(config.dataDir)}`,
  }[database.source];
  return `${url.toString()}   (${why})`;
}

export function databaseFromConfig(config: Config, opts: { startEmbedded: boolean }): DatabasePart {
  if (config.databaseUrl) return { url: config.databaseUrl };
  const { localPostgresAddress: localAddress, dataDir } = config;
  return {
    localOrEmbedded: {
      localAddress,
      pgdata: embeddedPgdata(dataDir),
      databaseName: DEFAULT_DATABASE_NAME,
      startEmbedded: opts.startEmbedded,
    },
  };
}

/** The database URL to use; starts the embedded PostgreSQL when the part asks for it, and registers its stop. */
export async function startDatabase(opts: { part: DatabasePart; stopper: Stopper; say?: Say }): Promise<RunningDatabase> {
  const { part } = opts;
  if ('url' in part) return { url: part.url, source: 'DATABASE_URL' };
  const { localAddress, pgdata, databaseName, startEmbedded } = part.localOrEmbedded;
  if (!startEmbedded) {
    const running = await findRunningServer({ localAddress, pgdata, databaseName });
    if (!running) throw new DatabaseNotFound(noServerMessage(localAddress, pgdata));
    return running.source === 'embedded' ? { ...running, pgdata } : running;
  }
  if (await answers(localAddress)) return { url: localDatabaseUrl(localAddress, databaseName), source: 'local' };
  const server = await startEmbeddedPostgres({ pgdata, say: opts.say ?? sayOnStderr });
  opts.stopper.add('embedded PostgreSQL', () => server.stop());
  return { url: localDatabaseUrl(`127.0.0.1:${server.port}`, databaseName), source: 'embedded', pgdata };
}

/** The migrations, with a line per migration applied; silent when there is none to apply (every later start). */
export async function migrateWithProgress(url: string, say: Say = sayOnStderr): Promise<void> {
  const database = decodeURIComponent(new URL(url).pathname.slice(1));
  let step: Step | null = null;
  let applied = 0;
  await migrate(url, (line) => {
    const migration = /^### MIGRATION (\S+) \(UP\) ###/.exec(line);
    if (!migration) return;
    step ??= beginStep(say, `migrating database ${database}`);
    applied++;
    step.progress(migration[1]);
  });
  (step as Step | null)?.done(`${applied} applied`);
}
