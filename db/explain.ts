/**
 * `npm run db:explain [-- --transactions N]`: do the indexes match the queries that run?
 *
 * Creates a scratch database, migrates it, fills it with N transactions (100,000 by default)
 * and proportional tickets, payment codes, commission transfers and audit events, ANALYZEs,
 * then runs every query function of db/queries/ — the API's, the workers', the ops CLI's —
 * with representative arguments through a `Db` that EXPLAINs each statement (same text,
 * same parameters) before executing it. Prints, per statement, the plan's root node, the
 * indexes it uses and any sequential scan of a big table; then the indexes no statement uses.
 * Drops the database at the end, whatever happened.
 *
 * The ops CLI's SQL is db/queries/ops.ts plus findTransaction and listAuditTrail; `ops stuck`
 * asks Temporal's visibility store, not PostgreSQL.
 */
import { randomUUID } from 'node:crypto';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { Client, type Pool, type PoolClient, type QueryConfig } from 'pg';
import type { AuditEvent } from '../contract';
import { loadConfig } from '../config';
import { migrate } from './migrate';
import { createPool, type Db } from './pool';
import { findDatabaseUrl } from './server/findDatabase';
import * as apiReads from './queries/apiReads';
import * as audit from './queries/audit';
import * as catalog from './queries/catalog';
import * as openTransactions from './queries/openTransactions';
import * as ops from './queries/ops';
import * as payments from './queries/payments';
import * as seed from './queries/seed';
import * as stalls from './queries/stalls';
import * as transfers from './queries/transfers';

/** Tables whose size grows with traffic: a sequential scan of one of them is a finding. */
export const BIG_TABLES = ['transactions', 'tickets', 'payment_codes', 'commission_transfers', 'audit_logs'] as const;

const QUERY_MODULES: Record<string, Record<string, unknown>> = {
  apiReads,
  audit,
  catalog,
  openTransactions,
  ops,
  payments,
  seed,
  stalls,
  transfers,
};

export interface ExplainedStatement {
  /** `module.function`, with `#n` when the function runs several statements. */
  query: string;
  runBy: string;
  /** e.g. `SELECT transactions`, `UPDATE tickets`. */
  statement: string;
  sql: string;
  root: string;
  indexes: string[];
  /** Big tables this statement reads with a Seq Scan. */
  seqScans: string[];
}

export interface UnusedIndex {
  table: string;
  index: string;
  /** Backs a primary key or a unique rule: needed whether or not a plan reads it. */
  enforcesUniqueness: boolean;
}

export interface ExplainReport {
  rowCounts: Record<string, number>;
  statements: ExplainedStatement[];
  unusedIndexes: UnusedIndex[];
  /** Exported query functions of db/queries/ that no step runs (and query modules not known here): each must be added below. */
  uncovered: string[];
  /** Steps none of whose statements was EXPLAINed: their SQL went by unseen (each step sends at least one). */
  unexplained: string[];
}

interface Plan {
  'Node Type': string;
  Operation?: string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Conflict Arbiter Indexes'?: string[];
  Plans?: Plan[];
}

function walk(plan: Plan, visit: (node: Plan) => void): void {
  visit(plan);
  for (const child of plan.Plans ?? []) walk(child, visit);
}

const rootOf = (plan: Plan) => (plan['Node Type'] === 'ModifyTable' ? `ModifyTable (${plan.Operation})` : plan['Node Type']);

function statementKind(sql: string): string {
  const text = sql.replace(/\s+/g, ' ').trim();
  const modifying = /^WITH .*?\b(INSERT INTO|UPDATE|DELETE FROM) (\w+)/i.exec(text);
  if (modifying) return `WITH … ${modifying[1].split(' ')[0].toUpperCase()} ${modifying[2]}`;
  const direct = /^(INSERT INTO|UPDATE|DELETE FROM) (\w+)/i.exec(text);
  if (direct) return `${direct[1].split(' ')[0].toUpperCase()} ${direct[2]}`;
  const locks = /\bFOR UPDATE\b/i.test(text) ? ' FOR UPDATE' : '';
  return `SELECT ${/\bFROM (\w+)/i.exec(text)?.[1] ?? '?'}${locks}`;
}

/** Collects the plan of every statement a query function sends, labelled with the function. */
class PlanRecorder {
  current = { name: '', runBy: '' };
  private readonly byKey = new Map<string, ExplainedStatement>();
  private readonly statementsOf = new Map<string, string[]>();

  record(sql: string, plan: Plan): void {
    const { name, runBy } = this.current;
    const key = `${name}\n${sql}`;
    const known = this.statementsOf.get(name) ?? [];
    if (!known.includes(sql)) this.statementsOf.set(name, [...known, sql]);
    const indexes = new Set<string>();
    const seqScans = new Set<string>();
    walk(plan, (node) => {
      if (node['Index Name']) indexes.add(node['Index Name']);
      for (const arbiter of node['Conflict Arbiter Indexes'] ?? []) indexes.add(arbiter);
      const relation = node['Relation Name'];
      if (node['Node Type'] === 'Seq Scan' && relation && (BIG_TABLES as readonly string[]).includes(relation)) seqScans.add(relation);
    });
    const earlier = this.byKey.get(key);
    this.byKey.set(key, {
      query: name,
      runBy,
      statement: statementKind(sql),
      sql,
      root: earlier?.root ?? rootOf(plan),
      indexes: [...new Set([...(earlier?.indexes ?? []), ...indexes])].sort(),
      seqScans: [...new Set([...(earlier?.seqScans ?? []), ...seqScans])].sort(),
    });
  }

  statements(): ExplainedStatement[] {
    return [...this.byKey.values()].map((statement) => {
      const all = this.statementsOf.get(statement.query)!;
      return all.length > 1 ? { ...statement, query: `${statement.query} #${all.indexOf(statement.sql) + 1}` } : statement;
    });
  }
}

const EXPLAINABLE = /^\s*(WITH|SELECT|INSERT|UPDATE|DELETE)\b/i;

type Queryable = Pick<PoolClient, 'query'>;

/**
 * `target.query`, EXPLAINed first with the same text and parameters, whether it comes as text
 * or as a query config (a prepared statement: db/preparedStatement.ts; EXPLAINed unnamed).
 */
function explainingQuery(target: Queryable, recorder: PlanRecorder) {
  return async (query: string | QueryConfig, values?: unknown[]) => {
    const text = typeof query === 'string' ? query : query.text;
    const parameters = typeof query === 'string' ? values : query.values;
    if (EXPLAINABLE.test(text)) {
      const { rows } = await target.query<{ 'QUERY PLAN': Array<{ Plan: Plan }> }>(`EXPLAIN (FORMAT JSON) ${text}`, parameters);
      recorder.record(text, rows[0]['QUERY PLAN'][0].Plan);
    }
    return typeof query === 'string' ? target.query(query, values) : target.query(query);
  };
}

/** A pool whose `query` — and that of every client it lends — EXPLAINs before it runs. */
function explainingDb(pool: Pool, recorder: PlanRecorder): Db {
  const bindAll = <T extends object>(target: T, query: unknown): T =>
    new Proxy(target, {
      get(object, property) {
        if (property === 'query') return query;
        const value = Reflect.get(object, property, object);
        return typeof value === 'function' ? value.bind(object) : value;
      },
    });
  const connect = async () => {
    const client = await pool.connect();
    return bindAll(client, explainingQuery(client, recorder));
  };
  return new Proxy(pool, {
    get(object, property) {
      if (property === 'query') return explainingQuery(object, recorder);
      if (property === 'connect') return connect;
      const value = Reflect.get(object, property, object);
      return typeof value === 'function' ? value.bind(object) : value;
    },
  });
}

/** Which rows of the fill a step works on. */
interface Samples {
  completed: { transactionId: string; ticketId: string; companyId: string };
  attention: string[];
  processing: string;
  openCodes: Array<{ paymentCodeId: string; ticketId: string; amountMinor: number; currency: string }>;
}

interface Step {
  /** The query function this step runs, `module.function`; it may run it several times, down several paths. */
  query: string;
  runBy: string;
  run(db: Db, s: Samples): Promise<unknown>;
}

const API = 'API';
const WORKER = 'worker';

const explainRoute: catalog.Route = {
  id: 'rte-explain',
  companyId: 'cmp-explain',
  origin: 'Freetown',
  destination: 'Kenema',
  priceMinor: 20_000,
  currency: 'SLE',
  createdAt: new Date(),
};

const transferIntent = (transactionId: string) => ({
  transactionId,
  idempotencyKey: `fareflow-transfer-${transactionId}`,
  round: 0,
  sourceAccountId: 'fac-platform-collection',
  destinationAccountId: 'fac-explain',
  amountMinor: 19_000,
  currency: 'SLE',
});

const paymentInput = (transactionId: string, paymentCodeId: string, amount: { currency: string; value: number }) => ({
  transactionId,
  workflowId: `transaction-${transactionId}`,
  eventId: `evt-${transactionId}`,
  paymentCodeId,
  amount,
});

/** Every query function, run the way its caller runs it, in an order where each finds its rows. Add a step when you add a query. */
const STEPS: Step[] = [
  { query: 'seed.seedDemoCatalog', runBy: 'npm start', run: (db) => seed.seedDemoCatalog(db) },
  {
    query: 'catalog.insertCompany',
    runBy: API,
    run: (db) =>
      catalog.insertCompany(db, { id: 'cmp-explain', name: 'Explain Express', financialAccountId: 'fac-explain', commissionBps: 500 }),
  },
  { query: 'catalog.findCompany', runBy: API, run: (db) => catalog.findCompany(db, 'cmp-explain') },
  { query: 'catalog.insertRoute', runBy: API, run: (db) => catalog.insertRoute(db, explainRoute) },
  { query: 'catalog.findRoute', runBy: API, run: (db) => catalog.findRoute(db, explainRoute.id) },
  {
    query: 'catalog.insertReservedTicket',
    runBy: API,
    async run(db) {
      await catalog.insertReservedTicket(db, {
        id: 'tkt-explain',
        route: explainRoute,
        passengerName: 'Fatmata Sesay',
        passengerPhone: '+23277000000',
      });
      // One whose payment code will never be attached: a half-made reservation.
      await catalog.insertReservedTicket(db, {
        id: 'tkt-explain-no-code',
        route: explainRoute,
        passengerName: 'Mohamed Bangura',
        passengerPhone: '+23277000001',
      });
    },
  },
  {
    query: 'catalog.attachPaymentCode',
    runBy: API,
    run: (db) =>
      catalog.attachPaymentCode(db, {
        id: 'pmc-explain',
        ticketId: 'tkt-explain',
        ussdCode: '*715*1*123456#',
        amountMinor: 20_000,
        currency: 'SLE',
        expireTime: new Date(Date.now() + 1_800_000).toISOString(),
      }),
  },
  { query: 'catalog.cancelUnpaidTicket', runBy: API, run: (db, s) => catalog.cancelUnpaidTicket(db, s.openCodes[2].ticketId) },
  {
    query: 'apiReads.transactionExists',
    runBy: `${API} (webhooks)`,
    run: (db, s) => apiReads.transactionExists(db, s.completed.transactionId),
  },
  { query: 'openTransactions.readOpenTransactions', runBy: `${API} (/metrics)`, run: (db) => openTransactions.readOpenTransactions(db) },
  {
    query: 'stalls.stalledAmong',
    runBy: `${WORKER} (stall sweep)`,
    run: (db, s) => stalls.stalledAmong(db, [s.completed.transactionId, s.attention[0], 'pay-explain-never-applied'], 600),
  },
  {
    query: 'apiReads.paymentPreCheck',
    runBy: `${API} (webhooks)`,
    run: (db, s) => apiReads.paymentPreCheck(db, s.completed.transactionId, s.openCodes[0].paymentCodeId),
  },
  { query: 'apiReads.findTicket', runBy: API, run: (db, s) => apiReads.findTicket(db, s.completed.ticketId) },
  { query: 'apiReads.findTransaction', runBy: `${API}, ops show`, run: (db, s) => apiReads.findTransaction(db, s.completed.transactionId) },
  {
    query: 'audit.listAuditTrail',
    runBy: `${API}, ops show`,
    run: (db, s) => audit.listAuditTrail(db, 'transaction', s.completed.transactionId),
  },
  {
    query: 'payments.applyPayment',
    runBy: WORKER,
    async run(db, s) {
      const code = s.openCodes[0];
      const amount = { currency: code.currency, value: code.amountMinor };
      await payments.applyPayment(db, paymentInput('pay-explain', code.paymentCodeId, amount)); // a new payment for an open code
      await payments.applyPayment(db, paymentInput('pay-explain-unknown', 'pmc-explain-unknown', amount)); // a code nobody issued
      await payments.applyPayment(db, paymentInput(s.completed.transactionId, 'pmc-whatever', amount)); // a redelivery, decided long ago
    },
  },
  { query: 'payments.getTransactionFacts', runBy: WORKER, run: (db, s) => payments.getTransactionFacts(db, s.completed.transactionId) },
  { query: 'payments.acceptPayment', runBy: `${WORKER} (operator resolve)`, run: (db, s) => payments.acceptPayment(db, s.attention[0]) },
  {
    query: 'payments.setTransactionStatus',
    runBy: WORKER,
    run: (db, s) => payments.setTransactionStatus(db, s.processing, 'completed', null),
  },
  {
    query: 'payments.releaseTicketOfTransaction',
    runBy: `${WORKER} (cancel)`,
    run: (db, s) => payments.releaseTicketOfTransaction(db, s.attention[1]),
  },
  {
    query: 'payments.releaseReservation',
    runBy: `${WORKER} (expiry webhook)`,
    run: (db, s) => payments.releaseReservation(db, s.openCodes[1].paymentCodeId),
  },
  {
    query: 'payments.releaseReservedTicket',
    runBy: `${WORKER} (reservation deadline)`,
    async run(db, s) {
      await payments.releaseReservedTicket(db, s.openCodes[3].ticketId, null); // the deadline passed
      await payments.releaseReservedTicket(db, 'tkt-explain-no-code', null); // a ticket that never got its code
    },
  },
  {
    query: 'transfers.recordTransferIntent',
    runBy: WORKER,
    async run(db, s) {
      await transfers.recordTransferIntent(db, transferIntent('pay-explain')); // the first intent
      await transfers.recordTransferIntent(db, transferIntent(s.completed.transactionId)); // a retried activity: the row is there
    },
  },
  {
    query: 'transfers.recordTransferState',
    runBy: WORKER,
    run: (db) => transfers.recordTransferState(db, 'pay-explain', 0, { monimeTransferId: 'trn-explain', status: 'completed' }),
  },
  { query: 'transfers.getTransfer', runBy: WORKER, run: (db) => transfers.getTransfer(db, 'pay-explain') },
  {
    query: 'audit.insertAuditEvents',
    runBy: `${WORKER} (audit batcher)`,
    run: (db, s) => {
      const events: AuditEvent[] = Array.from({ length: 50 }, (_, i) => ({
        id: `transaction:pay-explain:${i + 1}:explained`,
        entityType: 'transaction',
        entityId: 'pay-explain',
        sequence: i + 1,
        action: 'explained',
        actor: 'system',
        companyId: s.completed.companyId,
        before: null,
        after: { step: i },
        occurredAt: new Date().toISOString(),
      }));
      return audit.insertAuditEvents(db, events);
    },
  },
  {
    query: 'audit.insertAuditDeadLetters',
    runBy: `${WORKER} (audit batcher)`,
    run: (db) =>
      audit.insertAuditDeadLetters(db, [
        {
          eventId: 'transaction:pay-explain:poisoned',
          kind: 'refused',
          batcher: 'audit-batcher-explain-0',
          event: '{}',
          reason: 'explained',
        },
      ]),
  },
  // A small table (events set aside), counted at each /metrics scrape.
  { query: 'audit.countAuditDeadLetters', runBy: `${API} (/metrics)`, run: (db) => audit.countAuditDeadLetters(db) },
  {
    query: 'ops.transactionStatusOf',
    runBy: 'ops CLI (retry, resolve, cancel)',
    run: (db, s) => ops.transactionStatusOf(db, s.completed.transactionId),
  },
  {
    query: 'ops.recordUnsentOperatorAction',
    runBy: 'ops CLI (retry, resolve, cancel)',
    run: (db, s) =>
      ops.recordUnsentOperatorAction(db, {
        transactionId: s.completed.transactionId,
        kind: 'resolve',
        operator: 'explain',
        decision: 'accept',
        note: 'explain',
        outcome: 'ignored: already completed; nothing sent',
      }),
  },
];

/** Query functions exported by db/queries/ that no step covers, and query modules this file does not know. */
function uncoveredQueries(): string[] {
  const covered = new Set(STEPS.map((step) => step.query));
  const missing: string[] = [];
  for (const [moduleName, exports] of Object.entries(QUERY_MODULES)) {
    for (const [name, value] of Object.entries(exports)) {
      if (typeof value === 'function' && !covered.has(`${moduleName}.${name}`)) missing.push(`${moduleName}.${name}`);
    }
  }
  for (const file of readdirSync(path.join(__dirname, 'queries'))) {
    const moduleName = file.replace(/\.ts$/, '');
    if (file.endsWith('.ts') && !(moduleName in QUERY_MODULES)) missing.push(`db/queries/${file} (module not imported by db/explain.ts)`);
  }
  return missing;
}

/**
 * The fill. Row i of tickets and payment codes belongs to transaction i (i ≤ N); the N/5
 * after it are open or lapsed reservations. Of the transactions: 2 % needs_attention (code
 * still pending), 1 % processing, 0.5 % cancelled, the rest completed; created over 90 days.
 */
function fillStatements(transactions: number): string[] {
  const n = transactions;
  const tickets = n + Math.floor(n / 5);
  const companies = Math.max(5, Math.floor(n / 2_000));
  const routes = companies * 10;
  const id = (prefix: string, expr: string) => `'${prefix}-' || lpad((${expr})::text, 9, '0')`;
  const kind = `CASE WHEN i > ${n} THEN (CASE WHEN i % 2 = 0 THEN 'open' ELSE 'lapsed' END)
                     WHEN i % 50 = 0 THEN 'attention' WHEN i % 100 = 1 THEN 'processing' WHEN i % 200 = 3 THEN 'cancelled'
                     ELSE 'completed' END`;
  const rows = `(SELECT i, ${kind} AS kind, ((i - 1) % ${routes}) + 1 AS route, ((i - 1) % ${routes}) % ${companies} + 1 AS company,
                        now() - make_interval(secs => (${tickets} - i) * (7776000.0 / ${tickets})) AS at
                   FROM generate_series(1, ${tickets}) i) s`;
  return [
    `INSERT INTO companies (id, name, financial_account_id, commission_bps)
     SELECT ${id('cmp', 'c')}, 'Company ' || c, 'fac-company-' || c, 500 FROM generate_series(1, ${companies}) c`,
    `INSERT INTO routes (id, company_id, origin, destination, price_minor, currency)
     SELECT ${id('rte', 'r')}, ${id('cmp', `(r - 1) % ${companies} + 1`)}, 'Freetown', 'Bo', 15000, 'SLE' FROM generate_series(1, ${routes}) r`,
    `INSERT INTO tickets (id, route_id, company_id, passenger_name, passenger_phone, price_minor, currency, status, payment_code_id, transaction_id, created_at, updated_at, issued_at, released_at)
     SELECT ${id('tkt', 'i')}, ${id('rte', 'route')}, ${id('cmp', 'company')}, 'Passenger ' || i, '+2327' || lpad(i::text, 7, '0'), 15000, 'SLE',
            CASE kind WHEN 'open' THEN 'reserved' WHEN 'attention' THEN 'reserved' WHEN 'lapsed' THEN 'expired' WHEN 'cancelled' THEN 'cancelled' ELSE 'issued' END,
            ${id('pmc', 'i')}, CASE WHEN kind IN ('completed', 'processing', 'cancelled') THEN ${id('pay', 'i')} END, at, at,
            CASE WHEN kind IN ('completed', 'processing', 'cancelled') THEN at + interval '5 minutes' END,
            CASE WHEN kind IN ('lapsed', 'cancelled') THEN at + interval '32 minutes' END
       FROM ${rows}`,
    `INSERT INTO payment_codes (id, ticket_id, ussd_code, amount_minor, currency, status, expire_time, transaction_id, created_at, updated_at)
     SELECT ${id('pmc', 'i')}, ${id('tkt', 'i')}, '*715*1*' || lpad((i % 1000000)::text, 6, '0') || '#', 15000, 'SLE',
            CASE kind WHEN 'open' THEN 'pending' WHEN 'attention' THEN 'pending' WHEN 'lapsed' THEN 'expired' ELSE 'completed' END,
            CASE WHEN kind = 'open' THEN now() + interval '20 minutes' ELSE at + interval '30 minutes' END,
            CASE WHEN kind IN ('completed', 'processing', 'cancelled') THEN ${id('pay', 'i')} END, at, at
       FROM ${rows}`,
    `INSERT INTO transactions (id, workflow_id, event_id, payment_code_id, ticket_id, company_id, amount_minor, currency, commission_minor, net_minor, status, attention_reason, created_at, updated_at, completed_at)
     SELECT ${id('pay', 'i')}, 'transaction-' || ${id('pay', 'i')}, ${id('evt', 'i')}, ${id('pmc', 'i')}, ${id('tkt', 'i')}, ${id('cmp', 'company')},
            CASE WHEN kind = 'attention' THEN 14000 ELSE 15000 END, 'SLE',
            CASE WHEN kind = 'attention' THEN NULL ELSE 750 END, CASE WHEN kind = 'attention' THEN NULL ELSE 14250 END,
            CASE kind WHEN 'attention' THEN 'needs_attention' ELSE kind END, CASE WHEN kind = 'attention' THEN 'amount_mismatch' END,
            at + interval '5 minutes', at + interval '6 minutes', CASE WHEN kind = 'completed' THEN at + interval '6 minutes' END
       FROM ${rows} WHERE i <= ${n}`,
    `INSERT INTO commission_transfers (transaction_id, idempotency_key, round, monime_transfer_id, source_account_id, destination_account_id, amount_minor, currency, status, created_at, updated_at, completed_at)
     SELECT ${id('pay', 'i')}, 'fareflow-transfer-' || ${id('pay', 'i')}, 0, CASE WHEN kind = 'completed' THEN ${id('trn', 'i')} END,
            'fac-platform-collection', 'fac-company-' || company, 14250, 'SLE',
            CASE WHEN kind = 'completed' THEN 'completed' ELSE 'requested' END, at + interval '5 minutes', at + interval '6 minutes',
            CASE WHEN kind = 'completed' THEN at + interval '6 minutes' END
       FROM ${rows} WHERE i <= ${n} AND kind IN ('completed', 'processing')`,
    `INSERT INTO audit_logs (id, entity_type, entity_id, sequence, action, actor, company_id, before, after, occurred_at, recorded_at)
     SELECT 'transaction:' || ${id('pay', 'i')} || ':' || e, 'transaction', ${id('pay', 'i')}, e,
            (ARRAY['payment_received', 'payment_applied', 'transfer_requested', 'transfer_completed'])[e], 'system', ${id('cmp', 'company')},
            NULL, jsonb_build_object('step', e), at + make_interval(mins => 5 + e), at + make_interval(mins => 5 + e)
       FROM ${rows} CROSS JOIN generate_series(1, 4) e WHERE i <= ${n}`,
    `INSERT INTO audit_logs (id, entity_type, entity_id, sequence, action, actor, company_id, before, after, occurred_at, recorded_at)
     SELECT 'payment_code:' || ${id('pmc', 'i')} || ':1', 'payment_code', ${id('pmc', 'i')}, 1, 'expiry_released', 'monime', ${id('cmp', 'company')},
            NULL, '{}'::jsonb, at + interval '30 minutes', at + interval '30 minutes'
       FROM ${rows} WHERE kind = 'lapsed'`,
  ];
}

async function pickSamples(db: Db, transactions: number): Promise<Samples> {
  const middle = Math.floor(transactions / 2);
  const one = async <T>(sql: string, values: unknown[] = []): Promise<T[]> => (await db.query(sql, values)).rows as T[];
  const [completed] = await one<{ id: string; ticket_id: string; company_id: string }>(
    `SELECT id, ticket_id, company_id FROM transactions WHERE status = 'completed' AND id >= $1 ORDER BY id LIMIT 1`,
    [`pay-${String(middle).padStart(9, '0')}`],
  );
  const attention = await one<{ id: string }>(`SELECT id FROM transactions WHERE status = 'needs_attention' ORDER BY id LIMIT 2`);
  const [processing] = await one<{ id: string }>(`SELECT id FROM transactions WHERE status = 'processing' ORDER BY id LIMIT 1`);
  const openCodes = await one<{ id: string; ticket_id: string; amount_minor: number; currency: string }>(
    `SELECT id, ticket_id, amount_minor, currency FROM payment_codes WHERE status = 'pending' AND transaction_id IS NULL AND expire_time > now() ORDER BY id LIMIT 4`,
  );
  if (!completed || attention.length < 2 || !processing || openCodes.length < 4)
    throw new Error('the fill lacks the rows the steps need; is the fill too small?');
  return {
    completed: { transactionId: completed.id, ticketId: completed.ticket_id, companyId: completed.company_id },
    attention: attention.map((row) => row.id),
    processing: processing.id,
    openCodes: openCodes.map((row) => ({
      paymentCodeId: row.id,
      ticketId: row.ticket_id,
      amountMinor: Number(row.amount_minor),
      currency: row.currency,
    })),
  };
}

async function withAdmin<T>(serverUrl: string, work: (admin: Client) => Promise<T>): Promise<T> {
  const url = new URL(serverUrl);
  url.pathname = '/postgres';
  const admin = new Client({ connectionString: url.toString() });
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.end();
  }
}

/**
 * The whole routine: scratch database, migrations, fill, ANALYZE, every query EXPLAINed, the
 * database dropped. `serverUrl`: any database URL on the server to use (its name is ignored).
 */
export async function explainQueries(opts: {
  serverUrl: string;
  transactions: number;
  log?: (line: string) => void;
}): Promise<ExplainReport> {
  const log = opts.log ?? (() => undefined);
  const name = `fareflow_explain_${randomUUID().replace(/-/g, '').slice(0, 10)}`;
  const url = new URL(opts.serverUrl);
  url.pathname = `/${name}`;
  const databaseUrl = url.toString();
  let pool: Pool | null = null;
  try {
    await migrate(databaseUrl);
    pool = createPool(databaseUrl, 4);
    log(`filling ${name} with ${opts.transactions} transactions`);
    for (const statement of fillStatements(opts.transactions)) await pool.query(statement);
    await pool.query('ANALYZE');
    const rowCounts: Record<string, number> = {};
    for (const table of BIG_TABLES) rowCounts[table] = Number((await pool.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);
    const samples = await pickSamples(pool, opts.transactions);

    const recorder = new PlanRecorder();
    const db = explainingDb(pool, recorder);
    for (const step of STEPS) {
      recorder.current = { name: step.query, runBy: step.runBy };
      await step.run(db, samples);
    }

    const statements = recorder.statements();
    const used = new Set(statements.flatMap((statement) => statement.indexes));
    const { rows: indexes } = await pool.query<{ table: string; index: string; unique: boolean }>(
      `SELECT t.relname AS table, i.relname AS index, x.indisunique AS unique
         FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
         JOIN pg_namespace n ON n.oid = t.relnamespace
        WHERE n.nspname = 'public' AND t.relname <> 'pgmigrations'
        ORDER BY t.relname, i.relname`,
    );
    const unusedIndexes = indexes
      .filter((index) => !used.has(index.index))
      .map((index) => ({ table: index.table, index: index.index, enforcesUniqueness: index.unique }));
    const explained = new Set(statements.map((statement) => statement.query.replace(/ #\d+$/, '')));
    const unexplained = STEPS.map((step) => step.query).filter((query) => !explained.has(query));
    return { rowCounts, statements, unusedIndexes, uncovered: uncoveredQueries(), unexplained };
  } finally {
    await pool?.end().catch(() => undefined);
    await withAdmin(opts.serverUrl, (admin) => admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
  }
}

/** The report as aligned text columns. */
export function formatReport(report: ExplainReport): string {
  const table = (rows: string[][]) => {
    const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
    const line = (row: string[]) =>
      row
        .map((cell, i) => cell.padEnd(widths[i]))
        .join(' | ')
        .trimEnd();
    return [line(rows[0]), widths.map((width) => '-'.repeat(width)).join('-|-'), ...rows.slice(1).map(line)].join('\n');
  };
  const lines = [
    `rows: ${Object.entries(report.rowCounts)
      .map(([name, count]) => `${name} ${count.toLocaleString('en-US')}`)
      .join(', ')}`,
    '',
    table([
      ['query', 'run by', 'statement', 'plan root', 'indexes used', 'seq scan on a big table'],
      ...report.statements.map((s) => [
        s.query,
        s.runBy,
        s.statement,
        s.root,
        s.indexes.join(', ') || '-',
        s.seqScans.length ? `YES: ${s.seqScans.join(', ')}` : 'no',
      ]),
    ]),
    '',
    'indexes no statement uses:',
    report.unusedIndexes.length === 0
      ? '(none)'
      : table([
          ['table', 'index', 'why it stays'],
          ...report.unusedIndexes.map((index) => [
            index.table,
            index.index,
            index.enforcesUniqueness ? 'enforces a uniqueness rule' : 'NOTHING: drop it',
          ]),
        ]),
  ];
  if (report.uncovered.length)
    lines.push('', `query functions not explained (add a step to db/explain.ts): ${report.uncovered.join(', ')}`);
  if (report.unexplained.length) lines.push('', `steps whose statements went by unexplained: ${report.unexplained.join(', ')}`);
  return lines.join('\n');
}

async function main(): Promise<void> {
  const flag = process.argv.indexOf('--transactions');
  const transactions = flag >= 0 ? Number(process.argv[flag + 1]) : 100_000;
  if (!Number.isInteger(transactions) || transactions < 1_000) throw new Error('--transactions takes an integer of at least 1000');
  const started = Date.now();
  const report = await explainQueries({
    serverUrl: await findDatabaseUrl(loadConfig()),
    transactions,
    log: (line) => process.stderr.write(`${line}\n`),
  });
  process.stdout.write(`${formatReport(report)}\n`);
  process.stderr.write(`done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  const seqScans = report.statements.filter((statement) => statement.seqScans.length > 0);
  const unused = report.unusedIndexes.filter((index) => !index.enforcesUniqueness);
  if (seqScans.length || unused.length || report.uncovered.length || report.unexplained.length) process.exitCode = 1;
}

if (require.main === module) {
  main().catch((error) => {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  });
}
