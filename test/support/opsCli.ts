import { execFile } from 'node:child_process';
import path from 'node:path';
import type { Stack } from './harness';

const ROOT = path.join(__dirname, '..', '..');

export interface OpsRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** The ops CLI as an operator runs it: a subprocess, configured only through the environment. */
export function runOps(stack: Stack, args: string[]): Promise<OpsRun> {
  return new Promise((resolve) => {
    execFile(
      path.join(ROOT, 'node_modules', '.bin', 'tsx'),
      ['ops/cli.ts', ...args],
      {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', USER: 'test-operator', ...stack.env },
        timeout: 60_000,
      },
      (error, stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}
