/**
 * Issue 14, as a Node developer's laptop runs it: DATABASE_URL unset and nothing answering at
 * the local PostgreSQL address (LOCAL_POSTGRES_ADDRESS pointed at a closed port), so
 * `npm start` runs an embedded PostgreSQL from the npm registry's binaries under the data
 * folder. The README's example issues a ticket and moves the net; Ctrl-C stops the server and
 * frees its port; a second start finds the same data, quietly. Runs as root on CI: the server
 * then runs as the `postgres` user.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client as PgClient } from 'pg';
import { runningPostmaster } from '../../db/server/postmasterPid';
import { portIsFree } from '../../temporal/ports';
import { npmStart, npmStartEnvironment, readmeReserveAndPay, stopWithCtrlC, type NpmStartPorts } from '../support/npmStart';

/** Port 1 (tcpmux): nothing listens there, so the probe finds the "default" server closed. */
const CLOSED_ADDRESS = '127.0.0.1:1';

let dataDir: string;
let env: Record<string, string>;
let ports: NpmStartPorts;

function embeddedPort(banner: string): number {
  const line = /PostgreSQL\s+postgres:\/\/postgres@127\.0\.0\.1:(\d+)\/fareflow\s+\(embedded, files in (.+)\)/.exec(banner);
  if (!line) throw new Error(`no embedded PostgreSQL in the banner:\n${banner}`);
  expect(line[2]).toBe(path.join(dataDir, 'postgresql'));
  return Number(line[1]);
}

async function transactionRow(port: number, id: string) {
  const client = new PgClient({ connectionString: `postgres://postgres@127.0.0.1:${port}/fareflow` });
  await client.connect();
  try {
    return (await client.query('SELECT status, net_minor FROM transactions WHERE id = $1', [id])).rows[0];
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fareflow-embedded-'));
  fs.chmodSync(dataDir, 0o755); // as root, the server runs as `postgres`, which must enter it
  ({ ports, env } = await npmStartEnvironment(dataDir, { LOCAL_POSTGRES_ADDRESS: CLOSED_ADDRESS, LOG_LEVEL: 'warn' }));
});
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

it('runs an embedded PostgreSQL when none answers, serves the README example on it, stops it on Ctrl-C, and finds the data again', async () => {
  const first = await npmStart(env);
  const pgPort = embeddedPort(first.output());
  expect(first.output()).toMatch(/✓ initialising the embedded PostgreSQL/);
  expect(first.output()).toMatch(/✓ migrating database fareflow: \d+ applied/);

  const paid = await readmeReserveAndPay(ports);
  expect(paid.ticketStatus).toBe('issued');
  expect(paid.transfers).toEqual([paid.net]);
  expect(await transactionRow(pgPort, paid.paymentId)).toEqual({ status: 'completed', net_minor: String(paid.net) });

  expect(await stopWithCtrlC(first)).toBe(0);
  expect(await portIsFree(pgPort)).toBe(true);
  expect(runningPostmaster(path.join(dataDir, 'postgresql'))).toBeNull();

  // Same data folder: no initdb, no migration, and the first run's transaction is there.
  const second = await npmStart(env);
  try {
    expect(second.output()).not.toMatch(/initialising|migrating/);
    expect(await transactionRow(embeddedPort(second.output()), paid.paymentId)).toMatchObject({ status: 'completed' });
  } finally {
    expect(await stopWithCtrlC(second)).toBe(0);
  }
}, 300_000);
