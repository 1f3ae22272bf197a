import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { Connection } from '@temporalio/client';
import { SEARCH_ATTRIBUTES } from '../contract';
import { PortInUse, portIsFree } from './ports';
import { missingSearchAttributes } from './searchAttributes';

export interface DevServer {
  address: string;
  uiUrl: string;
  stop(): Promise<void>;
}

export interface DevServerOptions {
  cliPath: string;
  dataDir: string;
  port: number;
  uiPort: number;
  namespace: string;
  /** Name → type (`Keyword`, `Int`, …); the contract's by default. */
  searchAttributes?: Readonly<Record<string, string>>;
  log?: (line: string) => void;
  readyTimeoutMs?: number;
  /** SQLite pragmas for the state file; DEV_SERVER_SQLITE_PRAGMAS by default (the bench's ablation turns them off with []). */
  sqlitePragmas?: readonly string[];
  /**
   * Dynamic config values for experiments (the bench). None by default: one task-queue partition
   * instead of four was tried and the bench could not tell it from noise (README "Benchmarks").
   */
  dynamicConfig?: Readonly<Record<string, string>>;
}

/**
 * WAL lets readers run beside the one writer; synchronous=NORMAL fsyncs at WAL checkpoints
 * instead of on every commit. What NORMAL trades: the state survives a crash of the server
 * process, but a power cut or kernel crash can lose the last commits. Acceptable for the
 * embedded dev server (a developer's machine, the tests, the bench); production runs a real
 * Temporal cluster, never this. busy_timeout waits for a lock instead of failing at once.
 */
export const DEV_SERVER_SQLITE_PRAGMAS: readonly string[] = ['journal_mode=WAL', 'synchronous=NORMAL', 'busy_timeout=5000'];

const run = promisify(execFile);

async function waitUntilServing(address: string, child: ChildProcess, deadline: number): Promise<void> {
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`temporal server start-dev exited with ${child.exitCode} before serving`);
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1_000 });
      try {
        await connection.workflowService.getSystemInfo({});
        return;
      } finally {
        await connection.close();
      }
    } catch (error) {
      lastError = error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  throw new Error(`Temporal dev server at ${address} did not answer in time: ${(lastError as Error)?.message}`);
}

/**
 * `start-dev --search-attribute` registers attributes only when it creates the database file:
 * on an existing file (an earlier `npm start`) a newly added attribute is silently skipped,
 * and every upsert of it would then fail the workflow task. So the missing ones are added here.
 */
async function registerMissingSearchAttributes(
  cliPath: string,
  address: string,
  namespace: string,
  wanted: Readonly<Record<string, string>>,
  log: (line: string) => void,
): Promise<void> {
  const connection = await Connection.connect({ address, connectTimeout: 5_000 });
  let missing: Array<[string, string]>;
  try {
    missing = await missingSearchAttributes(connection, namespace, wanted);
  } finally {
    await connection.close();
  }
  if (missing.length === 0) return;
  log(`registering search attributes ${missing.map(([name]) => name).join(', ')} on the existing Temporal database`);
  await run(
    cliPath,
    [
      'operator',
      'search-attribute',
      'create',
      '--address',
      address,
      '--namespace',
      namespace,
      ...missing.flatMap(([name, type]) => ['--name', name, '--type', type]),
    ],
    { timeout: 30_000 },
  );
}

/**
 * `temporal server start-dev` with state in a file under the data folder, so workflows
 * survive a restart, and the contract's search attributes registered.
 */
export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const log = options.log ?? (() => undefined);
  const searchAttributes = options.searchAttributes ?? SEARCH_ATTRIBUTES;
  for (const port of [options.port, options.uiPort]) {
    if (!(await portIsFree(port))) {
      throw new PortInUse(`port ${port} is taken: another Temporal dev server may be running. Stop it, or set TEMPORAL_ADDRESS to use it.`);
    }
  }
  fs.mkdirSync(options.dataDir, { recursive: true });
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(options.port),
    '--ui-port',
    String(options.uiPort),
    '--db-filename',
    path.join(options.dataDir, 'temporal.db'),
    '--namespace',
    options.namespace,
    '--log-level',
    'warn',
    ...(options.sqlitePragmas ?? DEV_SERVER_SQLITE_PRAGMAS).flatMap((pragma) => ['--sqlite-pragma', pragma]),
    ...Object.entries(options.dynamicConfig ?? {}).flatMap(([key, value]) => ['--dynamic-config-value', `${key}=${value}`]),
    ...Object.entries(searchAttributes).flatMap(([name, type]) => ['--search-attribute', `${name}=${type}`]),
  ];
  const child = spawn(options.cliPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const logStream = fs.createWriteStream(path.join(options.dataDir, 'temporal-server.log'), { flags: 'a' });
  child.stdout?.pipe(logStream);
  child.stderr?.pipe(logStream);
  const address = `127.0.0.1:${options.port}`;
  try {
    await waitUntilServing(address, child, Date.now() + (options.readyTimeoutMs ?? 60_000));
    await registerMissingSearchAttributes(options.cliPath, address, options.namespace, searchAttributes, log);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${(error as Error).message} (see ${path.join(options.dataDir, 'temporal-server.log')})`);
  }
  log(`Temporal dev server serving on ${address}`);
  return {
    address,
    uiUrl: `http://127.0.0.1:${options.uiPort}`,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.once('exit', () => {
          clearTimeout(killer);
          logStream.end();
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}
