import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { beginStep, type Say } from '../../observability/progress';
import { embeddedPostgresBinaries } from './binaries';
import { initdb, isInitialised } from './initdb';
import { freeLocalPort } from './ports';
import { runningPostmaster } from './postmasterPid';
import { prepareDataFolder, serverUser } from './serverUser';

export interface EmbeddedPostgres {
  /** The server's `postgres` database; swap the path for another database on it. */
  url: string;
  port: number;
  pgdata: string;
  /** Stops the server (fast shutdown) and waits until its port is free. */
  stop(): Promise<void>;
}

async function acceptsQueries(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 1_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function waitUntilReady(url: string, server: ChildProcess, logFile: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await acceptsQueries(url))) {
    // A spawn error (no such binary) leaves no exit code but no pid either.
    if (server.exitCode !== null || server.signalCode !== null || server.pid === undefined) {
      throw new Error(`PostgreSQL exited while starting: see ${logFile}`);
    }
    if (Date.now() > deadline) throw new Error(`PostgreSQL did not accept connections within ${timeoutMs / 1000} s: see ${logFile}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function stopServer(server: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (server.exitCode !== null || server.signalCode !== null) return resolve();
    // SIGINT is PostgreSQL's fast shutdown; SIGQUIT, its immediate one, if that hangs.
    const escalate = setTimeout(() => server.kill('SIGQUIT'), 20_000);
    server.once('exit', () => {
      clearTimeout(escalate);
      resolve();
    });
    server.kill('SIGINT');
  });
}

/**
 * PostgreSQL from the npm registry's binaries, its files in `pgdata` (kept across starts), on a
 * free loopback port. initdb runs on the first start only. The server gets its own process
 * group, so a Ctrl-C in the terminal reaches fareflow alone, which stops it last, after the
 * workers and the pool.
 */
export async function startEmbeddedPostgres(opts: {
  pgdata: string;
  say: Say;
  readyTimeoutMs?: number;
  /** Server settings passed as `-c name=value` (the bench's cluster: max_connections for 5 processes' pools). */
  settings?: Record<string, string>;
}): Promise<EmbeddedPostgres> {
  const { pgdata, say } = opts;
  const logFile = `${pgdata}.log`;
  const leftover = runningPostmaster(pgdata);
  if (leftover) {
    throw new Error(
      `an embedded PostgreSQL already runs on ${pgdata} (pid ${leftover.pid}, port ${leftover.port}): ` +
        `another fareflow may be running; stop it, or end the leftover server (kill -INT ${leftover.pid})`,
    );
  }
  const binaries = embeddedPostgresBinaries();
  const user = await serverUser();
  fs.mkdirSync(path.dirname(pgdata), { recursive: true });
  prepareDataFolder(pgdata, user);
  if (!isInitialised(pgdata)) {
    const step = beginStep(say, `initialising the embedded PostgreSQL in ${pgdata} (first start only)`);
    await initdb({ initdbPath: binaries.initdb, pgdata, user, logFile }).catch((error: Error) => {
      step.failed(error.message);
      throw error;
    });
    step.done();
  }

  const port = await freeLocalPort();
  const log = fs.openSync(logFile, 'a');
  // No Unix socket: only the loopback port, so servers of several clones never collide in /tmp.
  const args = ['-D', pgdata, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='];
  for (const [name, value] of Object.entries(opts.settings ?? {})) args.push('-c', `${name}=${value}`);
  const server = spawn(binaries.postgres, args, { stdio: ['ignore', log, log], detached: true, ...user });
  fs.closeSync(log);
  server.once('error', (error) => fs.appendFileSync(logFile, `fareflow: could not run ${binaries.postgres}: ${error.message}\n`));
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  try {
    await waitUntilReady(url, server, logFile, opts.readyTimeoutMs ?? 60_000);
  } catch (error) {
    await stopServer(server);
    throw error;
  }
  return { url, port, pgdata, stop: () => stopServer(server) };
}
