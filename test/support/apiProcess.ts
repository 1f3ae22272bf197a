import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from './freePort';
import type { Stack } from './harness';
import { ROOT, nodeScript } from './nodeScript';

export interface ApiProcess {
  url: string;
  child: ChildProcess;
  /** Every line the process logged (pino JSON). */
  lines(): string[];
  exited: Promise<number | null>;
}

/** The API alone in its own process, so a test can SIGTERM it mid-burst. */
export async function startApiProcess(stack: Stack): Promise<ApiProcess> {
  const port = await freePort();
  const api = nodeScript('api/main.ts');
  const child = spawn(api.command, api.args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...stack.env, PORT: String(port), LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + 60_000;
  while (!output.includes('API ready')) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`API process did not start:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { url: `http://127.0.0.1:${port}`, child, lines: () => output.split('\n').filter(Boolean), exited };
}
