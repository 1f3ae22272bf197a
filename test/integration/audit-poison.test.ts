/**
 * "Money and audit safety, second pass", points 8 and 9. One event PostgreSQL refuses, or a
 * malformed `auditEvents` payload, must never wedge an audit shard: the refused event is set
 * aside in audit_dead_letters (counted in /metrics), the malformed payload dropped and
 * counted, and everything else keeps being written. A batcher fed as fast as it writes still
 * continues as new, and writes every event exactly once.
 */
import { randomUUID } from 'node:crypto';
import {
  auditBatcherWorkflowId,
  auditEventsSignal,
  batcherStatsQuery,
  resolveSignal,
  statusQuery,
  workflowIdForTransaction,
  type AuditBatcherStats,
} from '../../contract';
import { createAuditActivities, insertAuditTrail } from '../../activities/audit';
import { listAuditTrail } from '../../db/queries/audit';
import { createLogger } from '../../observability/logger';
import { auditRowCount, signalBatcher, syntheticEvents } from '../support/auditEvents';
import { startStack, type Stack } from '../support/harness';
import { reserveTicket } from '../support/scenario';
import { waitFor } from '../support/waitFor';

let stack: Stack;
beforeAll(async () => {
  // One shard: the transaction of the first test and everything after it share one batcher.
  stack = await startStack({ env: { AUDIT_FLUSH_MS: '200', AUDIT_SHARDS: '1' } });
});
afterAll(async () => {
  await stack?.stop();
});

const rowsOf = (entity: string, count: number, what: string) =>
  waitFor(async () => ((await auditRowCount(stack, entity)) >= count ? true : undefined), { timeoutMs: 30_000, what });

interface DeadLetterRow {
  event_id: string;
  kind: string;
  batcher: string;
  event: string;
  reason: string;
}
async function deadLettersOf(batcher: string): Promise<DeadLetterRow[]> {
  const { rows } = await stack.db.query(
    `SELECT event_id, kind, batcher, event, reason FROM audit_dead_letters WHERE batcher = $1 ORDER BY event_id`,
    [batcher],
  );
  return rows;
}

/** The stats of a batcher, once it shows what the test waits for (the query lags the rows by one task). */
const statsWhen = (workflowId: string, wanted: (stats: AuditBatcherStats) => boolean) =>
  waitFor(
    async () => {
      const stats = await stack.client.workflow.getHandle(workflowId).query(batcherStatsQuery);
      return wanted(stats) ? stats : undefined;
    },
    { timeoutMs: 30_000, what: `${workflowId} stats` },
  );

it('a resolve note cut at 2,000 UTF-16 units inside an emoji leaves the shard writing: the transaction is audited to the end', async () => {
  const reservation = await reserveTicket(stack, { commissionBps: 250, priceMinor: 10_000 });
  const paid = await stack.simulator.pay(reservation.paymentCodeId, { amount: { currency: 'SLE', value: 9_000 } });
  const handle = stack.client.workflow.getHandle(workflowIdForTransaction(paid.paymentId));
  await waitFor(async () => ((await handle.query(statusQuery)).stage === 'awaiting_operator' ? true : undefined), {
    timeoutMs: 30_000,
    what: 'the operator wait',
  });

  const note = `${'a'.repeat(1_999)}😀`; // 2,001 UTF-16 units: unit 2,000 is the emoji's high surrogate
  await handle.signal(resolveSignal, { decision: 'accept', note, operator: 'fatmata' });

  const trail = await waitFor(
    async () => {
      const events = await listAuditTrail(stack.db, 'transaction', paid.paymentId);
      return events.some((event) => event.action === 'completed') ? events : undefined;
    },
    { timeoutMs: 30_000, what: `the audit trail of ${paid.paymentId} up to 'completed'` },
  );
  expect(trail.map((event) => event.action)).toEqual(
    expect.arrayContaining(['operator_resolve', 'transfer_requested', 'transfer_completed', 'completed']),
  );
  const resolved = trail.find((event) => event.action === 'operator_resolve')!;
  expect(resolved.after).toMatchObject({ note: 'a'.repeat(1_999), operator: 'fatmata' });
  // Cleaned where it entered: nothing of this transaction had to be set aside.
  const { rows } = await stack.db.query(`SELECT count(*)::int AS n FROM audit_dead_letters WHERE event_id LIKE $1`, [
    `transaction:${paid.paymentId}:%`,
  ]);
  expect(rows[0].n).toBe(0);

  // The shard's batcher is still running and writing, not retrying one batch.
  const shard = auditBatcherWorkflowId(stack.config.temporal.taskQueue, 0);
  expect((await stack.client.workflow.getHandle(shard).describe()).status.name).toBe('RUNNING');
  expect((await stack.client.workflow.getHandle(shard).query(batcherStatsQuery)).buffered).toBe(0);
});

it('malformed auditEvents payloads ({} and [{"id":5}]) are dropped, counted and dead-lettered; the batcher keeps writing', async () => {
  const entity = `malformed-${randomUUID()}`;
  const workflowId = `audit-batcher-test-${entity}`;
  await signalBatcher(stack, workflowId, { shard: 93, batchSize: 10, flushMs: 100 }, syntheticEvents(entity, 2));
  await rowsOf(entity, 2, 'the first 2 rows');

  const handle = stack.client.workflow.getHandle(workflowId);
  await handle.signal<[unknown]>('auditEvents', {});
  await handle.signal<[unknown]>('auditEvents', [{ id: 5 }]);
  await handle.signal(auditEventsSignal, syntheticEvents(entity, 3, 3));
  await rowsOf(entity, 5, 'the 3 valid events sent after the malformed payloads');

  expect(await auditRowCount(stack, entity)).toBe(5);
  const stats = await statsWhen(workflowId, (s) => s.totalFlushed === 5);
  expect(stats).toMatchObject({ totalFlushed: 5, malformedDropped: 2, buffered: 0 });
  expect((await handle.describe()).status.name).toBe('RUNNING');

  // Counted when the signal arrives; set aside by an activity of the batcher's loop, which may
  // run after the flush of the valid events that followed.
  const letters = await waitFor(
    async () => {
      const found = await deadLettersOf(workflowId);
      return found.length >= 2 ? found : undefined;
    },
    { timeoutMs: 30_000, what: `the dead letters of ${workflowId}` },
  );
  expect(letters).toHaveLength(2);
  expect(letters.map((letter) => letter.kind)).toEqual(['malformed', 'malformed']);
  expect(letters.map((letter) => JSON.parse(letter.event))).toEqual(expect.arrayContaining([{}, { id: 5 }]));
  for (const letter of letters) expect(letter.reason).toMatch(/^malformed auditEvents payload: /);
});

it('an event PostgreSQL refuses is set aside in audit_dead_letters, its batch-mates are written, and /metrics counts it', async () => {
  const entity = `poison-${randomUUID()}`;
  const workflowId = `audit-batcher-test-${entity}`;
  const events = syntheticEvents(entity, 6);
  events[2] = { ...events[2], after: { note: 'half an emoji \ud83d' } };
  events[4] = { ...events[4], after: { note: 'a NUL \u0000 here' } };
  await signalBatcher(stack, workflowId, { shard: 94, batchSize: 10, flushMs: 100 }, events);

  await rowsOf(entity, 4, 'the 4 batch-mates of the poisoned events');
  // The shard goes on with later events.
  await stack.client.workflow.getHandle(workflowId).signal(auditEventsSignal, syntheticEvents(entity, 2, 7));
  await rowsOf(entity, 6, 'the 2 events sent after the poisoned batch');
  const { rows: written } = await stack.db.query(`SELECT sequence FROM audit_logs WHERE entity_id = $1 ORDER BY sequence`, [entity]);
  expect(written.map((row) => row.sequence)).toEqual([1, 2, 4, 6, 7, 8]);

  const letters = await deadLettersOf(workflowId);
  expect(letters.map((letter) => letter.event_id)).toEqual([events[2].id, events[4].id]);
  expect(letters.map((letter) => letter.kind)).toEqual(['refused', 'refused']);
  expect(letters[0].reason).toMatch(/invalid input syntax for type json/);
  expect(letters[1].reason).toMatch(/unsupported Unicode escape sequence/);
  // Kept whole, lone surrogate and NUL included, for whoever repairs it.
  expect(JSON.parse(letters[0].event)).toEqual(events[2]);
  expect(JSON.parse(letters[1].event)).toEqual(events[4]);

  const stats = await statsWhen(workflowId, (s) => s.totalFlushed === 6);
  expect(stats).toMatchObject({ totalFlushed: 6, deadLettered: 2, buffered: 0 });

  const { rows: counted } = await stack.db.query(`SELECT count(*)::int AS n FROM audit_dead_letters WHERE kind = 'refused'`);
  expect(counted[0].n).toBeGreaterThanOrEqual(2);
  const metrics = await (await fetch(`${stack.apiUrl}/metrics`)).text();
  expect(metrics).toContain(`fareflow_audit_dead_letters{kind="refused"} ${counted[0].n}`);
});

it('a batcher fed as fast as it writes continues as new while still fed, and writes every event exactly once', async () => {
  const entity = `fed-${randomUUID()}`;
  const workflowId = `audit-batcher-test-${entity}`;
  const input = { shard: 95, batchSize: 5, flushMs: 100, maxEventsPerRun: 50 };
  // 5 a signal, one batch: sent faster than written (one signal's round trip against a write
  // activity's), with half the events to write afterwards of 10 a signal.
  const perSignal = 5;
  await signalBatcher(stack, workflowId, input, syntheticEvents(entity, perSignal));
  let sent = perSignal;
  const handle = stack.client.workflow.getHandle(workflowId);
  const firstRunId = (await handle.describe()).runId;

  // Signals in a loop while it drains, until a later run has taken over (or 2,000 were sent).
  let continuedWhileFed = false;
  while (sent < 2_000 && !continuedWhileFed) {
    await handle.signal(auditEventsSignal, syntheticEvents(entity, perSignal, sent + 1));
    sent += perSignal;
    if (sent % 50 === 0) continuedWhileFed = (await handle.describe()).runId !== firstRunId;
  }
  // And a while longer, across the hand-over.
  for (let i = 0; i < 20; i++) {
    await handle.signal(auditEventsSignal, syntheticEvents(entity, perSignal, sent + 1));
    sent += perSignal;
  }
  expect(continuedWhileFed).toBe(true);

  await waitFor(async () => ((await auditRowCount(stack, entity)) >= sent ? true : undefined), { timeoutMs: 60_000, what: `${sent} rows` });
  const { rows } = await stack.db.query(
    `SELECT count(*)::int AS n, count(DISTINCT sequence)::int AS sequences, min(sequence) AS lo, max(sequence) AS hi FROM audit_logs WHERE entity_id = $1`,
    [entity],
  );
  expect(rows[0]).toEqual({ n: sent, sequences: sent, lo: 1, hi: sent });
  const stats = await statsWhen(workflowId, (s) => s.totalFlushed === sent);
  expect(stats).toMatchObject({ totalFlushed: sent, buffered: 0 });

  const continued = await waitFor(
    async () => {
      let seen = 0;
      for await (const _ of stack.client.workflow.list({ query: `WorkflowId = '${workflowId}' AND ExecutionStatus = 'ContinuedAsNew'` }))
        seen += 1;
      return seen > 0 ? seen : undefined;
    },
    { timeoutMs: 30_000, what: 'a ContinuedAsNew run in visibility' },
  );
  expect(continued).toBeGreaterThan(0);
});

it('a batch failing for another reason than its data is split but never dead-lettered: once the table is back every event is written', async () => {
  const entity = `away-${randomUUID()}`;
  const workflowId = `audit-batcher-test-${entity}`;
  // Not a refusal of the data (SQLSTATE 42P01, undefined table): retryable, like a database that is away.
  await stack.db.query(`ALTER TABLE audit_logs RENAME TO audit_logs_away`);
  try {
    await signalBatcher(stack, workflowId, { shard: 96, batchSize: 10, flushMs: 100 }, syntheticEvents(entity, 2));
    // The bounded try of the 2 fails, then of its first half, a single event: that one now waits.
    await waitFor(
      async () => {
        const history = await stack.client.workflow.getHandle(workflowId).fetchHistory();
        const failed = (history.events ?? []).filter((event) => event.activityTaskFailedEventAttributes).length;
        return failed >= 2 ? true : undefined;
      },
      // Soon after the second failure: the waiting event's retries grow further apart.
      { timeoutMs: 60_000, intervalMs: 200, what: 'two failed tries, the batch halved down to one event' },
    );
  } finally {
    await stack.db.query(`ALTER TABLE audit_logs_away RENAME TO audit_logs`);
  }
  await rowsOf(entity, 2, 'both events once the table is back');
  expect(await auditRowCount(stack, entity)).toBe(2);
  expect(await deadLettersOf(workflowId)).toEqual([]);
  const stats = await statsWhen(workflowId, (s) => s.totalFlushed === 2);
  expect(stats).toMatchObject({ totalFlushed: 2, deadLettered: 0, buffered: 0 });
  expect(stats.flushes).toBeGreaterThan(1); // written in parts
});

describe("a payment's last status write, carrying its audit trail", () => {
  const trailInput = (events: ReturnType<typeof syntheticEvents>) => ({ events, shards: 1, batchSize: 10, flushMs: 100 });
  const batcherOf = () =>
    createAuditActivities({
      db: stack.db,
      temporal: stack.client,
      taskQueue: stack.config.temporal.taskQueue,
      logger: createLogger('silent', 'audit-trail-test'),
    }).publishAuditEvents;

  it('inserts the trail itself: every row is there when it returns, and no batcher was signalled', async () => {
    const entity = `trail-${randomUUID()}`;
    const signalled: unknown[] = [];
    await insertAuditTrail({ db: stack.db }, async (input) => {
      signalled.push(input);
    })(trailInput(syntheticEvents(entity, 5)));
    expect(await auditRowCount(stack, entity)).toBe(5);
    expect(signalled).toEqual([]);
    // Run again (a retried activity): still five rows.
    await insertAuditTrail({ db: stack.db }, batcherOf())(trailInput(syntheticEvents(entity, 5)));
    expect(await auditRowCount(stack, entity)).toBe(5);
  });

  it('sends a trail that continues events flushed before through the batcher, behind them: its last event never lands first', async () => {
    const entity = `trail-rest-${randomUUID()}`;
    const signalled: unknown[] = [];
    const rest = syntheticEvents(entity, 2, 4); // sequences 4 and 5: 1 to 3 went to the batcher earlier
    await insertAuditTrail({ db: stack.db }, async (input) => {
      signalled.push(input);
    })(trailInput(rest));
    expect(signalled).toEqual([trailInput(rest)]);
    expect(await auditRowCount(stack, entity)).toBe(0);
  });

  it('hands a trail PostgreSQL refuses to the batcher, which writes the rest and sets the refused event aside', async () => {
    const entity = `trail-poison-${randomUUID()}`;
    const events = syntheticEvents(entity, 5);
    events[3] = { ...events[3], after: { note: 'a NUL \u0000 here' } };
    await insertAuditTrail({ db: stack.db }, batcherOf())(trailInput(events));

    await rowsOf(entity, 4, 'the 4 events around the refused one, written by the batcher');
    const shard = auditBatcherWorkflowId(stack.config.temporal.taskQueue, 0);
    const letters = await waitFor(
      async () => {
        const found = (await deadLettersOf(shard)).filter((letter) => letter.event_id === events[3].id);
        return found.length > 0 ? found : undefined;
      },
      { timeoutMs: 30_000, what: 'the refused event in audit_dead_letters' },
    );
    expect(letters).toHaveLength(1);
    expect(letters[0].kind).toBe('refused');
    expect(await auditRowCount(stack, entity)).toBe(4);
  });
});
