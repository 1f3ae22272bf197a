import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { ServerUser } from './serverUser';

/**
 * A data folder initdb has filled. A failing initdb removes what it wrote, so PG_VERSION means
 * a finished cluster; only an initdb killed outright leaves a half one, which then fails to
 * start with its reason in the log.
 */
export function isInitialised(pgdata: string): boolean {
  return fs.existsSync(path.join(pgdata, 'PG_VERSION'));
}

/**
 * A new cluster in `pgdata`: superuser `postgres`, UTF-8 without a locale (the same on every
 * machine), `trust` authentication, because the server listens on loopback only and holds a
 * developer's throwaway data — the same as the local PostgreSQL the contract's URL expects.
 */
export function initdb(opts: { initdbPath: string; pgdata: string; user: ServerUser; logFile: string; timeoutMs?: number }): Promise<void> {
  const log = fs.openSync(opts.logFile, 'a');
  const args = ['-D', opts.pgdata, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-locale', '--no-instructions'];
  return new Promise<void>((resolve, reject) => {
    const child = spawn(opts.initdbPath, args, { stdio: ['ignore', log, log], ...opts.user, timeout: opts.timeoutMs ?? 120_000 });
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`initdb ${signal ? `was stopped (${signal}, too slow?)` : `exited with ${code}`}: see ${opts.logFile}`));
    });
  }).finally(() => fs.closeSync(log));
}
