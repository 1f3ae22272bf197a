/**
 * Issue 2, as a user runs it: `npm start` (scripts/start.ts in a subprocess) brings up the
 * dev server, database, simulator, workers and API on embedded defaults, prints where they
 * are, serves the README's reserve-and-pay example, stops cleanly on Ctrl-C (SIGINT), and
 * finds its Temporal state again after a restart. Only the ports and folders are moved, so
 * it can run beside the suite's own server.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client as PgClient } from 'pg';
import { DEV_API_TOKEN } from '../../config';
import { DEMO_ROUTE_ID } from '../../db/queries/seed';
import { workflowIdForTransaction } from '../../contract';
import { connectClient } from '../../temporal/connection';
import { portIsFree } from '../../temporal/ports';
import { npmStart, npmStartEnvironment, stopWithCtrlC, type NpmStartPorts } from '../support/npmStart';
import { waitFor } from '../support/waitFor';

let dataDir: string;
let env: Record<string, string>;
let ports: NpmStartPorts;
const databaseName = `fareflow_start_${randomUUID().replace(/-/g, '').slice(0, 10)}`;

const api = (route: string, init: RequestInit = {}) =>
  fetch(`http://127.0.0.1:${ports.api}${route}`, {
    ...init,
    headers: { authorization: `Bearer ${DEV_API_TOKEN}`, 'content-type': 'application/json' },
  });

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fareflow-start-'));
  ({ ports, env } = await npmStartEnvironment(dataDir, {
    DATABASE_URL: `postgres://postgres@127.0.0.1:5432/${databaseName}`,
    LOG_LEVEL: 'warn',
  }));
});
afterAll(async () => {
  fs.rmSync(dataDir, { recursive: true, force: true });
  const admin = new PgClient({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${databaseName}" WITH (FORCE)`);
  await admin.end();
});

it('brings everything up, serves the README example, stops on Ctrl-C, and keeps Temporal state across a restart', async () => {
  const first = await npmStart(env);
  const banner = first.output();
  expect(banner).toContain(`API                 http://127.0.0.1:${ports.api}`);
  expect(banner).toContain(`Temporal Web UI     http://127.0.0.1:${ports.ui}`);
  expect(banner).toMatch(/webhook secret\s+whsec_fareflow_dev_only\s+\(dev value\)/);
  expect(banner).toContain(`API token           ${DEV_API_TOKEN}`);
  expect((await fetch(`http://127.0.0.1:${ports.ui}/`)).status).toBe(200);
  expect(await (await fetch(`http://127.0.0.1:${ports.api}/readyz`)).json()).toMatchObject({ temporal: true, postgres: true });
  expect(fs.existsSync(path.join(dataDir, 'temporal.db'))).toBe(true);

  // The README's curl example: reserve on the seeded demo route, pay through the simulator.
  const reserved = await api('/api/tickets', {
    method: 'POST',
    body: JSON.stringify({ routeId: DEMO_ROUTE_ID, passengerName: 'Aminata Kamara', passengerPhone: '+23276123456' }),
  });
  expect(reserved.status).toBe(201);
  const { ticket, paymentCode } = (await reserved.json()) as { ticket: { id: string }; paymentCode: { id: string } };
  const paid = (await (
    await fetch(`http://127.0.0.1:${ports.simulator}/_sim/payment-codes/${paymentCode.id}/pay`, { method: 'POST' })
  ).json()) as { paymentId: string };
  const txn = await waitFor(
    async () => {
      const body = (await (await api(`/api/transactions/${paid.paymentId}`)).json()) as { status?: string; net?: number };
      return body.status === 'completed' ? body : undefined;
    },
    { timeoutMs: 30_000, what: 'the demo payment completed' },
  );
  expect(((await (await api(`/api/tickets/${ticket.id}`)).json()) as { status: string }).status).toBe('issued');
  const ledger = (await (await fetch(`http://127.0.0.1:${ports.simulator}/_sim/ledger`)).json()) as {
    transfers: Array<{ metadata: { transactionId: string }; amount: { value: number } }>;
  };
  expect(
    ledger.transfers.filter((transfer) => transfer.metadata.transactionId === paid.paymentId).map((transfer) => transfer.amount.value),
  ).toEqual([txn.net]);

  expect(await stopWithCtrlC(first)).toBe(0);
  expect(first.output()).toContain('stopped.');
  for (const port of [ports.api, ports.temporal, ports.ui, ports.simulator]) expect(await portIsFree(port)).toBe(true);

  // State lives in the data folder: the same workflow is there after a restart.
  const second = await npmStart(env);
  try {
    const { connection, client } = await connectClient(`127.0.0.1:${ports.temporal}`, 'default');
    try {
      // Found at all proves the state survived; the workflow may still have been handing its
      // last audit events over when Ctrl-C came, and finishes on the restarted worker.
      const handle = client.workflow.getHandle(workflowIdForTransaction(paid.paymentId));
      await waitFor(async () => ((await handle.describe()).status.name === 'COMPLETED' ? true : undefined), {
        timeoutMs: 30_000,
        what: 'the workflow completed after the restart',
      });
    } finally {
      await connection.close();
    }
  } finally {
    expect(await stopWithCtrlC(second)).toBe(0);
  }
}, 300_000);
