import { spawn, type ChildProcess } from 'node:child_process';
import type { Stack } from './harness';
import { ROOT, nodeScript } from './nodeScript';

export interface WorkerProcess {
  child: ChildProcess;
  /** SIGKILL: no graceful shutdown, in-flight tasks are abandoned as in a crash. */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

/** A worker in its own process, so a test can crash it for real. */
export async function startWorkerProcess(stack: Stack, env: Record<string, string> = {}): Promise<WorkerProcess> {
  const worker = nodeScript('workers/main.ts');
  const child = spawn(worker.command, worker.args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...stack.env, LOG_LEVEL: 'info', WORKER_METRICS_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker did not start in 60 s:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('worker ready')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`worker exited with ${code} before it was ready:\n${output}`));
    });
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    kill: async () => {
      child.kill('SIGKILL');
      await exited;
    },
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
