import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const ROOT = path.join(__dirname, '..');

export interface ChildNode {
  pid: number;
  /** SIGTERM, then SIGKILL after 30 s; resolves once it exited. */
  stop(): Promise<void>;
}

/**
 * A TypeScript entry point in its own OS process, as the package scripts run one (node with
 * tsx's loader, not the tsx CLI, whose wrapper would relay signals badly). Its output goes
 * to `logFile`, so nothing of it competes with the progress line.
 */
export function startNode(script: string, env: Record<string, string>, logFile: string): ChildNode {
  const log = fs.openSync(logFile, 'a');
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', log, log],
  });
  fs.closeSync(log);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    pid: child.pid!,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      child.kill('SIGTERM');
      await exited;
      clearTimeout(killer);
    },
  };
}

/** Polls `ready` every 250 ms until it holds; fails after `timeoutMs`, naming `what` and where to look. */
export async function waitUntil(what: string, ready: () => Promise<boolean>, timeoutMs: number, logFile: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ready().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`${what} did not become ready in ${timeoutMs / 1000} s (see ${logFile})`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
