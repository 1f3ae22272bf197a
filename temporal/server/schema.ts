import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client as PgClient } from 'pg';
import type { ServerDatabase } from './config';
import type { ServerBinaries } from './binaries';

const run = promisify(execFile);

/**
 * Creates the two databases on first use and brings their schema to the version this server
 * needs, with Temporal's own SQL tool: `create`, `setup-schema -v 0.0` (the version table),
 * then `update-schema` over the versioned directory, which applies only what is missing —
 * so a later start, or a newer server, upgrades in place.
 */
export async function ensureServerSchema(opts: {
  binaries: ServerBinaries;
  database: ServerDatabase;
  say: (line: string) => void;
}): Promise<void> {
  const { binaries, database } = opts;
  const parts = [
    { name: database.names.default, versioned: path.join(binaries.schemaDir, 'temporal', 'versioned') },
    { name: database.names.visibility, versioned: path.join(binaries.schemaDir, 'visibility', 'versioned') },
  ];
  for (const part of parts) {
    const tool = (...args: string[]) => sqlTool(binaries.sqlTool, database, part.name, args);
    if (!(await databaseExists(database, part.name))) {
      opts.say(`Creating Temporal database ${part.name} on ${database.host}:${database.port}…`);
      await tool('create');
      await tool('setup-schema', '-v', '0.0');
    }
    await tool('update-schema', '-d', part.versioned);
  }
}

async function sqlTool(binary: string, db: ServerDatabase, name: string, args: string[]): Promise<string> {
  const connection = ['--plugin', 'postgres12', '--ep', db.host, '-p', String(db.port), '-u', db.user, '--db', name];
  if (db.password) connection.push('--pw', db.password);
  try {
    const { stdout, stderr } = await run(binary, [...connection, ...args], { timeout: 120_000 });
    return `${stdout}${stderr}`;
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`temporal sql tool ${args[0]} on ${name} failed: ${failed.stderr || failed.stdout || failed.message}`);
  }
}

async function databaseExists(db: ServerDatabase, name: string): Promise<boolean> {
  const admin = new PgClient({ host: db.host, port: db.port, user: db.user, password: db.password, database: 'postgres' });
  await admin.connect();
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    return rowCount === 1;
  } finally {
    await admin.end();
  }
}
