import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { Client as PgClient } from 'pg';
import { loadConfig } from '../../config';
import { createLogger } from '../../observability/logger';
import { assembleFareflow } from '../../stack/assemble';
import { MissingSearchAttributes } from '../../temporal/searchAttributes';
import { startStack, type Stack } from '../support/harness';
import { postWebhook } from '../support/scenario';
import { testCliPath, testTemporalAddress } from '../support/testServer';
import { waitFor } from '../support/waitFor';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

describe('the test harness', () => {
  it('runs on a Temporal dev server with the contract search attributes registered', async () => {
    const { customAttributes } = await stack.client.connection.operatorService.listSearchAttributes({ namespace: 'default' });
    expect(customAttributes).toMatchObject({ TransactionStatus: expect.anything(), CompanyId: expect.anything() });
  });

  it('migrates a fresh database with the contract table names', async () => {
    const { rows } = await stack.db.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1`);
    expect(rows.map((row) => row.table_name)).toEqual(
      expect.arrayContaining(['audit_logs', 'commission_transfers', 'companies', 'payment_codes', 'routes', 'tickets', 'transactions']),
    );
  });

  it('serves health and readiness', async () => {
    expect((await fetch(`${stack.apiUrl}/healthz`)).status).toBe(200);
    const ready = await fetch(`${stack.apiUrl}/readyz`);
    expect(await ready.json()).toEqual({ status: 'ready', temporal: true, postgres: true });
  });

  it('reserves a ticket with a payment code on the simulator', async () => {
    const reservation = await stack.createCompanyRouteAndTicket();
    const ticket = await stack.api(`/api/tickets/${reservation.ticketId}`);
    expect(await ticket.json()).toMatchObject({ id: reservation.ticketId, status: 'reserved' });
    expect(reservation.paymentCodeId).toMatch(/\S/);
  });

  it('refuses to start on a namespace without the search attributes, and says how to register them', async () => {
    const namespace = `bare-${randomUUID().slice(0, 8)}`;
    await promisify(execFile)(
      testCliPath(),
      ['operator', 'namespace', 'create', '--address', testTemporalAddress(), '--namespace', namespace],
      { timeout: 30_000 },
    );
    // A new namespace reaches every service of the server a moment after it is created.
    await waitFor(() => stack.client.connection.operatorService.listSearchAttributes({ namespace }).then(() => true), {
      what: `namespace ${namespace} served`,
    });
    const config = loadConfig({ ...stack.env, TEMPORAL_NAMESPACE: namespace });
    const starting = assembleFareflow({
      config,
      temporal: { address: testTemporalAddress() },
      logger: createLogger('silent'),
      monime: { baseUrl: stack.simulator.url },
      workers: false,
    });
    await expect(starting).rejects.toBeInstanceOf(MissingSearchAttributes);
    await expect(starting).rejects.toThrow(
      `temporal operator search-attribute create --namespace ${namespace} --name TransactionStatus --type Keyword`,
    );
  });

  it('survives PostgreSQL closing its idle connections, and keeps serving', async () => {
    await Promise.all(Array.from({ length: 5 }, () => stack.db.query('SELECT pg_sleep(0.05)')));
    const before = stack.db.idleCount;
    expect(before).toBeGreaterThan(0);
    const admin = await stack.db.connect();
    try {
      // As a restart or failover would: every other connection of this database is closed.
      const { rowCount } = await admin.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
      );
      expect(rowCount).toBeGreaterThan(0);
    } finally {
      admin.release();
    }
    await waitFor(() => (stack.db.idleCount < before ? true : undefined), { what: 'the pool to drop the closed connections' });
    const ready = await fetch(`${stack.apiUrl}/readyz`);
    expect(await ready.json()).toEqual({ status: 'ready', temporal: true, postgres: true });
    const reservation = await stack.createCompanyRouteAndTicket();
    expect(reservation.ticketId).toMatch(/^tkt-/);
  });

  it('is not ready while PostgreSQL refuses connections, and ready again once it accepts them', async () => {
    const database = new URL(stack.config.databaseUrl).pathname.slice(1);
    const admin = new PgClient({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
    await admin.connect();
    try {
      // Unreachable as far as the API can tell: no new connection, and the open ones closed.
      await admin.query(`ALTER DATABASE "${database}" ALLOW_CONNECTIONS false`);
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [database]);
      const down = await fetch(`${stack.apiUrl}/readyz`);
      expect(down.status).toBe(503);
      expect(await down.json()).toEqual({ status: 'not_ready', temporal: true, postgres: false });
      expect((await fetch(`${stack.apiUrl}/healthz`)).status).toBe(200);
      // A transfer update whose transaction only the database could place: MoniMe must deliver again.
      const update = await postWebhook(
        stack,
        JSON.stringify({
          apiVersion: 'caph.2025-08-23',
          event: { id: 'evt-db-down', name: 'internal_transfer.completed', timestamp: new Date().toISOString() },
          object: { id: 'trn-db-down', type: 'internal_transfer' },
          data: { id: 'trn-db-down', status: 'completed', metadata: { transactionId: 'pay-db-down' } },
        }),
      );
      expect(update).toEqual({ status: 503, body: { error: 'database unavailable; nothing was recorded, deliver again' } });
    } finally {
      await admin.query(`ALTER DATABASE "${database}" ALLOW_CONNECTIONS true`);
      await admin.end();
    }
    const back = await fetch(`${stack.apiUrl}/readyz`);
    expect(await back.json()).toEqual({ status: 'ready', temporal: true, postgres: true });
  });
});
