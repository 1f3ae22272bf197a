/**
 * Records the auditBatcher paths of the patches `audit-batcher-poison-safe` and
 * `audit-batcher-bounded-drain` (workflows/auditBatcher.ts): malformed payloads and refused
 * events set aside, a batch split while the database is away, and a run continuing as new
 * while it is still fed. Each is the first run of its batcher, closed by continue-as-new.
 * Run like the others: `npx jest --testMatch '**\/test/replay/record-audit-histories.ts'`.
 */
import { writeHistoryFixture } from './writeFixture';
import { auditEventsSignal, type AuditBatcherInput } from '../../contract';
import { auditRowCount, signalBatcher, syntheticEvents } from '../support/auditEvents';
import { startStack, type Stack } from '../support/harness';
import { waitFor } from '../support/waitFor';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ env: { AUDIT_FLUSH_MS: '100', AUDIT_SHARDS: '1' } });
});
afterAll(async () => {
  await stack?.stop();
});

const rows = (entity: string, count: number) =>
  waitFor(async () => ((await auditRowCount(stack, entity)) >= count ? true : undefined), {
    timeoutMs: 60_000,
    what: `${count} rows of ${entity}`,
  });

/** The batcher's first run, once it continued as new. */
async function firstRun(workflowId: string): Promise<string> {
  return waitFor(
    async () => {
      let first: { runId: string; startTime: Date } | undefined;
      for await (const execution of stack.client.workflow.list({
        query: `WorkflowId = '${workflowId}' AND ExecutionStatus = 'ContinuedAsNew'`,
      })) {
        if (!first || execution.startTime < first.startTime) first = execution;
      }
      return first?.runId;
    },
    { timeoutMs: 60_000, what: `a run of ${workflowId} continued as new` },
  );
}

async function save(name: string, workflowId: string) {
  const runId = await firstRun(workflowId);
  writeHistoryFixture(name, workflowId, runId);
}

it('records the batcher paths that set events aside and hand over in time', async () => {
  // Malformed payloads, then a batch with two events PostgreSQL refuses, then enough to hand over.
  const poisoned = 'audit-batcher-recorded-dead-letters';
  const poisonInput: AuditBatcherInput = { shard: 78, batchSize: 10, flushMs: 100, maxEventsPerRun: 20 };
  await signalBatcher(stack, poisoned, poisonInput, syntheticEvents('recorded-dl', 3));
  await rows('recorded-dl', 3);
  const handle = stack.client.workflow.getHandle(poisoned);
  await handle.signal<[unknown]>('auditEvents', {});
  await handle.signal<[unknown]>('auditEvents', [{ id: 5 }]);
  const batch = syntheticEvents('recorded-dl', 6, 4);
  batch[1] = { ...batch[1], after: { note: 'half an emoji \ud83d' } };
  batch[3] = { ...batch[3], after: { note: 'a NUL \u0000 here' } };
  await handle.signal(auditEventsSignal, batch);
  await rows('recorded-dl', 7);
  await handle.signal(auditEventsSignal, syntheticEvents('recorded-dl', 10, 10));
  await rows('recorded-dl', 17);
  await save('auditBatcher-dead-letters', poisoned);

  // A batch failing for another reason than its data: split down to one event that waits.
  const away = 'audit-batcher-recorded-database-away';
  const awayInput: AuditBatcherInput = { shard: 79, batchSize: 10, flushMs: 100, maxEventsPerRun: 10 };
  await stack.db.query(`ALTER TABLE audit_logs RENAME TO audit_logs_away`);
  try {
    await signalBatcher(stack, away, awayInput, syntheticEvents('recorded-away', 3));
    await waitFor(
      async () => {
        const history = await stack.client.workflow.getHandle(away).fetchHistory();
        return (history.events ?? []).filter((event) => event.activityTaskFailedEventAttributes).length >= 3 ? true : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 500, what: 'the batch halved down to one event' },
    );
  } finally {
    await stack.db.query(`ALTER TABLE audit_logs_away RENAME TO audit_logs`);
  }
  await rows('recorded-away', 3);
  await stack.client.workflow.getHandle(away).signal(auditEventsSignal, syntheticEvents('recorded-away', 10, 4));
  await rows('recorded-away', 13);
  await save('auditBatcher-database-away', away);

  // Fed as fast as it writes: it hands over while signals keep coming.
  const fed = 'audit-batcher-recorded-fed';
  const fedInput: AuditBatcherInput = { shard: 80, batchSize: 5, flushMs: 100, maxEventsPerRun: 50 };
  await signalBatcher(stack, fed, fedInput, syntheticEvents('recorded-fed', 10));
  const fedHandle = stack.client.workflow.getHandle(fed);
  const fedFirstRun = (await fedHandle.describe()).runId;
  let sent = 10;
  let handedOver = false;
  while (sent < 2_000 && !handedOver) {
    await fedHandle.signal(auditEventsSignal, syntheticEvents('recorded-fed', 10, sent + 1));
    sent += 10;
    if (sent % 50 === 0) handedOver = (await fedHandle.describe()).runId !== fedFirstRun;
  }
  expect(handedOver).toBe(true);
  await rows('recorded-fed', sent);
  await save('auditBatcher-fed-continued-as-new', fed);
});
