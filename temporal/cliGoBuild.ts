import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { beginStep, type Say } from '../observability/progress';

const run = promisify(execFile);

export async function goIsInstalled(): Promise<boolean> {
  try {
    await run('go', ['version'], { timeout: 15_000 });
    return true;
  } catch {
    return false;
  }
}

export interface GoBuildOptions {
  /** `github.com/temporalio/cli/cmd/temporal@v…` */
  module: string;
  /** GOBIN: the per-user cache. Go's own output goes to `go-build.log` in it. */
  gobin: string;
  say: Say;
  /** 291 s measured on the CI machine's two cores; a build that takes four times that is stuck. */
  timeoutMs?: number;
  /** How often "still building… N s" is said instead of Go's module lines. */
  tickMs?: number;
  /** The `go` binary; tests pass a fake one. */
  go?: string;
}

/** `go install` into the cache, saying every `tickMs` that it is still at it. */
export async function buildTemporalCliWithGo(opts: GoBuildOptions): Promise<void> {
  fs.mkdirSync(opts.gobin, { recursive: true });
  const logFile = path.join(opts.gobin, 'go-build.log');
  const log = fs.openSync(logFile, 'w');
  const step = beginStep(opts.say, `building the Temporal CLI with Go (once, about 5 minutes; go install ${opts.module})`);
  const ticker = setInterval(() => step.progress(`still building…`), opts.tickMs ?? 15_000);
  try {
    await new Promise<void>((resolve, reject) => {
      const build = spawn(opts.go ?? 'go', ['install', opts.module], {
        env: { ...process.env, GOBIN: opts.gobin },
        stdio: ['ignore', log, log],
        timeout: opts.timeoutMs ?? 20 * 60_000,
        killSignal: 'SIGKILL',
      });
      build.once('error', reject);
      build.once('exit', (code, signal) =>
        code === 0
          ? resolve()
          : reject(new Error(signal ? `go install was stopped (${signal}: too slow)` : `go install exited with ${code}`)),
      );
    });
    step.done(opts.gobin);
  } catch (error) {
    step.failed(`${(error as Error).message}; Go's output is in ${logFile}`);
    throw new Error(`${(error as Error).message} (Go's output: ${logFile})`);
  } finally {
    clearInterval(ticker);
    fs.closeSync(log);
  }
}
