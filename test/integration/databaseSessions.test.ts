/**
 * Database sessions give up before the activity that runs them does: a statement or a lock
 * wait longer than the activity's timeout would let the SQL commit after Temporal retried it.
 * And a worker process has a connection for every slot that may use one.
 */
import { randomUUID } from 'node:crypto';
import { Client as PgClient } from 'pg';
import { migrate } from '../../db/migrate';
import { LOCK_TIMEOUT_MS, STATEMENT_TIMEOUT_MS, createPool, type Db } from '../../db/pool';
import { applyPayment, setTransactionStatus } from '../../db/queries/payments';
import { WORKER_SLOTS, databasePoolSize } from '../../workers/createWorkers';

const ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
const name = `fareflow_sessions_${randomUUID().replace(/-/g, '').slice(0, 8)}`;
const url = `postgres://postgres@127.0.0.1:5432/${name}`;
let db: Db;

beforeAll(async () => {
  await migrate(url);
  db = createPool(url, 2);
});
afterAll(async () => {
  await db?.end();
  const admin = new PgClient({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.end();
});

it('every session has a statement and a lock timeout shorter than an activity attempt (20 s)', async () => {
  const { rows } = await db.query(`SELECT current_setting('statement_timeout') AS statement, current_setting('lock_timeout') AS lock`);
  expect(rows[0]).toEqual({ statement: `${STATEMENT_TIMEOUT_MS / 1000}s`, lock: `${LOCK_TIMEOUT_MS / 1000}s` });
  expect(STATEMENT_TIMEOUT_MS).toBeLessThan(20_000);
});

it('a status write that meets a held row lock fails with lock_not_available instead of waiting', async () => {
  await db.query(
    `INSERT INTO transactions (id, workflow_id, event_id, payment_code_id, amount_minor, currency, status) VALUES ('pay-locked', 'transaction-pay-locked', 'evt-1', 'pmc-1', 100, 'SLE', 'processing')`,
  );
  const holder = new PgClient({ connectionString: url });
  await holder.connect();
  try {
    await holder.query('BEGIN');
    await holder.query(`SELECT 1 FROM transactions WHERE id = 'pay-locked' FOR UPDATE`);
    await expect(setTransactionStatus(db, 'pay-locked', 'completed', null)).rejects.toMatchObject({ code: '55P03' });
    await holder.query('ROLLBACK');
  } finally {
    await holder.end();
  }
  expect(await setTransactionStatus(db, 'pay-locked', 'completed', null)).toEqual({ applied: true, current: 'completed' });
});

it('a worker process has a connection for every activity and local-activity slot', () => {
  const slots = WORKER_SLOTS.localActivities + WORKER_SLOTS.activities + WORKER_SLOTS.transferActivities;
  expect(databasePoolSize({ workers: true, api: false })).toBe(slots);
  expect(databasePoolSize({ workers: true, api: true })).toBeGreaterThan(slots);
});

it('a status write repeated after it was applied (a local activity run again after a worker crash) is applied, not refused', async () => {
  await db.query(
    `INSERT INTO transactions (id, workflow_id, event_id, payment_code_id, amount_minor, currency, status) VALUES ('pay-twice', 'transaction-pay-twice', 'evt-2', 'pmc-2', 100, 'SLE', 'processing')`,
  );
  expect(await setTransactionStatus(db, 'pay-twice', 'completed', null)).toEqual({ applied: true, current: 'completed' });
  const { rows: before } = await db.query(`SELECT updated_at FROM transactions WHERE id = 'pay-twice'`);
  expect(await setTransactionStatus(db, 'pay-twice', 'completed', null)).toEqual({ applied: true, current: 'completed' });
  // Still no move out of a final status, and the row is left as the first write made it.
  expect(await setTransactionStatus(db, 'pay-twice', 'needs_attention', 'stalled')).toEqual({ applied: false, current: 'completed' });
  const { rows: after } = await db.query(`SELECT updated_at FROM transactions WHERE id = 'pay-twice'`);
  expect(after[0].updated_at).toEqual(before[0].updated_at);
});

it("a payment's statements are prepared once per connection, then only bound and run", async () => {
  const one = createPool(url, 1);
  try {
    await one.query(`INSERT INTO companies (id, name, financial_account_id, commission_bps) VALUES ('cmp-prep', 'C', 'fac-prep', 500)`);
    await one.query(
      `INSERT INTO routes (id, company_id, origin, destination, price_minor, currency) VALUES ('rte-prep', 'cmp-prep', 'a', 'b', 10000, 'SLE')`,
    );
    await one.query(
      `INSERT INTO tickets (id, route_id, company_id, passenger_name, passenger_phone, price_minor, currency, status)
       VALUES ('tkt-prep', 'rte-prep', 'cmp-prep', 'P', '+23276000000', 10000, 'SLE', 'reserved')`,
    );
    await one.query(
      `INSERT INTO payment_codes (id, ticket_id, ussd_code, amount_minor, currency, status) VALUES ('pmc-prep', 'tkt-prep', '*715*1#', 10000, 'SLE', 'pending')`,
    );
    const applied = await applyPayment(one, {
      transactionId: 'pay-prep',
      workflowId: 'transaction-pay-prep',
      eventId: 'evt-prep',
      paymentCodeId: 'pmc-prep',
      amount: { currency: 'SLE', value: 10000 },
    });
    expect(applied).toMatchObject({
      outcome: 'applied',
      ticketId: 'tkt-prep',
      commission: 500,
      net: 9500,
      destinationAccountId: 'fac-prep',
    });
    await setTransactionStatus(one, 'pay-prep', 'completed', null);

    const { rows } = await one.query<{ name: string }>(`SELECT name FROM pg_prepared_statements ORDER BY name`);
    expect(rows.map((row) => row.name)).toEqual(
      expect.arrayContaining([
        'payments.insertOrLockTransaction',
        'payments.lockPaymentCodeAndTicket',
        'payments.issueTicket',
        'payments.setTransactionStatus',
      ]),
    );
  } finally {
    await one.end();
  }
});
