import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';

export interface RunningServer {
  address: string;
  logFile: string;
  /** SIGTERM, then SIGKILL if it has not exited within 15 s. */
  stop(): Promise<void>;
}

const READY_WITHIN_MS = 90_000;

/**
 * Runs `server start` on a config directory and resolves once the frontend answers its health
 * check. Output goes to `temporal-server.log` in that directory; a start that fails says so
 * with the log's tail.
 */
export async function startServerProcess(opts: {
  serverBinary: string;
  configDir: string;
  address: string;
  /** For a frontend that requires client certificates: how to pass the health check. */
  connect?: () => Promise<Connection>;
}): Promise<RunningServer> {
  const logFile = path.join(opts.configDir, 'temporal-server.log');
  const log = fs.openSync(logFile, 'w');
  // --env names the config file (fareflow.yaml); --allow-no-auth: access control is the network's (README).
  const child = spawn(opts.serverBinary, ['--root', opts.configDir, '--config', '.', '--env', 'fareflow', '--allow-no-auth', 'start'], {
    stdio: ['ignore', log, log],
  });
  fs.closeSync(log);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    await untilHealthy(child, opts.connect ?? (() => Connection.connect({ address: opts.address, connectTimeout: 2_000 })));
  } catch (error) {
    child.kill('SIGKILL');
    await exited;
    throw new Error(`${(error as Error).message}\n--- ${logFile} (tail) ---\n${tail(logFile)}`);
  }
  return { address: opts.address, logFile, stop: () => stopProcess(child, exited) };
}

async function untilHealthy(child: ChildProcess, connect: () => Promise<Connection>): Promise<void> {
  const deadline = Date.now() + READY_WITHIN_MS;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`Temporal server exited with ${child.exitCode} while starting`);
    try {
      const connection = await connect();
      try {
        const { status } = await connection.healthService.check({});
        if (status === 1) return; // SERVING
      } finally {
        await connection.close();
      }
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`Temporal server not healthy within ${READY_WITHIN_MS / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function stopProcess(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

/** The last lines, each cut short: the server logs JSON with whole stack traces. */
function tail(file: string, lines = 8): string {
  try {
    return fs
      .readFileSync(file, 'utf8')
      .trimEnd()
      .split('\n')
      .slice(-lines)
      .map((line) => (line.length > 400 ? `${line.slice(0, 400)}…` : line))
      .join('\n');
  } catch {
    return '(no log)';
  }
}
