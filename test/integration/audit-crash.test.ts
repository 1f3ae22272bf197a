/**
 * Issue 4: a worker killed with SIGKILL in the middle of flushing loses and doubles no audit event.
 * The killed worker is a process of its own; its replacement is the stack's own worker set
 * (the same workers, started in this process): what is proved is what happens to the flush
 * the dead worker held, and a second process start would only add its bundling time. Most of
 * what remains is Temporal noticing the death: the task the dead worker held times out (a
 * workflow task after 10 s, a flush's activity after its 30 s start-to-close timeout) before
 * it is retried on the replacement.
 */
import { randomUUID } from 'node:crypto';
import { batcherStatsQuery } from '../../contract';
import { auditRowCount, signalBatcher, syntheticEvents } from '../support/auditEvents';
import { startStack, type Stack } from '../support/harness';
import { startWorkerProcess, type WorkerProcess } from '../support/workerProcess';
import { waitFor } from '../support/waitFor';

let stack: Stack;
let worker: WorkerProcess | null = null;
beforeAll(async () => {
  stack = await startStack({ startWorkers: false });
});
afterAll(async () => {
  await worker?.stop().catch(() => undefined);
  await stack?.stop();
});

it('writes every event exactly once across a SIGKILL mid-flush', async () => {
  const entity = `crash-${randomUUID()}`;
  const workflowId = `audit-batcher-test-${entity}`;
  const input = { shard: 92, batchSize: 20, flushMs: 100 };
  worker = await startWorkerProcess(stack);

  const first = syntheticEvents(entity, 300);
  await Promise.all(Array.from({ length: 30 }, (_, i) => signalBatcher(stack, workflowId, input, first.slice(i * 10, i * 10 + 10))));
  const atKill = await waitFor(
    async () => {
      const rows = await auditRowCount(stack, entity);
      return rows > 0 ? rows : undefined;
    },
    { timeoutMs: 30_000, intervalMs: 20, what: 'the first flush' },
  );
  await worker.kill();
  worker = null;

  // Events keep arriving while no worker runs: Temporal holds them.
  const second = syntheticEvents(entity, 200, 301);
  await Promise.all(Array.from({ length: 20 }, (_, i) => signalBatcher(stack, workflowId, input, second.slice(i * 10, i * 10 + 10))));

  await stack.startWorkers();
  const restartedAt = Date.now();
  await waitFor(async () => ((await auditRowCount(stack, entity)) >= 500 ? true : undefined), {
    timeoutMs: 90_000,
    what: 'all 500 rows after restart',
  });
  expect(await auditRowCount(stack, entity)).toBe(500);
  const stats = await stack.client.workflow.getHandle(workflowId).query(batcherStatsQuery);
  expect(stats.totalFlushed).toBe(500);
  expect(stats.buffered).toBe(0);
  process.stderr.write(
    `[audit-crash] ${atKill} of 300 rows written when the worker was killed; 500 of 500 ${Date.now() - restartedAt} ms after restart\n`,
  );
}, 180_000);
