/**
 * Contract §1's three cases for the database, decided before anything starts: DATABASE_URL
 * means exactly that database; unset, a server answering at LOCAL_POSTGRES_ADDRESS is used;
 * else the embedded PostgreSQL (started only by `npm start` and the bench — other processes
 * say what is missing). The embedded start itself: test/integration/npmStartEmbeddedPostgres.e2e.test.ts.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../config';
import { DatabaseNotFound } from '../../db/server/findDatabase';
import { databaseFromConfig, describeDatabase, startDatabase } from '../../stack/startDatabase';
import { Stopper } from '../../stack/stopper';

/** Port 1: nothing listens there. */
const CLOSED = '127.0.0.1:1';
let dataDir: string;
let listener: net.Server;
let openAddress: string;

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fareflow-db-choice-'));
  listener = net.createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  openAddress = `127.0.0.1:${(listener.address() as net.AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => listener.close(resolve));
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const stopper = () => new Stopper({ error: () => undefined });

it('DATABASE_URL set: exactly that database, nothing probed or started', async () => {
  const config = loadConfig({ DATABASE_URL: 'postgres://app:s3cret@db.internal:5432/fares', LOCAL_POSTGRES_ADDRESS: openAddress }, dataDir);
  const database = await startDatabase({ part: databaseFromConfig(config, { startEmbedded: true }), stopper: stopper() });
  expect(database).toEqual({ url: 'postgres://app:s3cret@db.internal:5432/fares', source: 'DATABASE_URL' });
  expect(describeDatabase(database, config)).toBe('postgres://app:***@db.internal:5432/fares   (DATABASE_URL)');
});

it('unset, a server answers at the local address: fareflow on it, nothing started', async () => {
  const config = loadConfig({ LOCAL_POSTGRES_ADDRESS: openAddress }, dataDir);
  const database = await startDatabase({ part: databaseFromConfig(config, { startEmbedded: true }), stopper: stopper() });
  expect(database).toEqual({ url: `postgres://postgres@${openAddress}/fareflow`, source: 'local' });
  expect(describeDatabase(database, config)).toContain(`(the local server on ${openAddress})`);
  expect(fs.readdirSync(dataDir)).toEqual([]);
});

it('unset, nothing answers, in a process that does not start PostgreSQL: one message naming both ways', async () => {
  const config = loadConfig({ LOCAL_POSTGRES_ADDRESS: CLOSED }, dataDir);
  const started = startDatabase({ part: databaseFromConfig(config, { startEmbedded: false }), stopper: stopper() });
  await expect(started).rejects.toThrow(DatabaseNotFound);
  await expect(started).rejects.toThrow(/nothing answers on 127\.0\.0\.1:1 \(LOCAL_POSTGRES_ADDRESS\).*or set DATABASE_URL/);
});
