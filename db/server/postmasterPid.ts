import fs from 'node:fs';
import path from 'node:path';

export interface RunningPostmaster {
  pid: number;
  port: number;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another user (the `postgres` user when fareflow runs as root).
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The server running on `pgdata`, from the lock file PostgreSQL keeps there (line 1 the pid,
 * line 4 the port); null when there is none or it is stale (its process is gone).
 */
export function runningPostmaster(pgdata: string): RunningPostmaster | null {
  let lines: string[];
  try {
    lines = fs.readFileSync(path.join(pgdata, 'postmaster.pid'), 'utf8').split('\n');
  } catch {
    return null;
  }
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0 || !Number.isInteger(port) || !alive(pid)) return null;
  return { pid, port };
}
