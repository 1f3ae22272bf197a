/**
 * Records the histories that test/replay/replay.test.ts replays. Not part of `npm test`:
 * run `npm run record-histories` after a deliberate, versioned workflow change — first
 * renaming the fixtures it would overwrite to `v<N>-…`, so the histories of the code before
 * the change keep proving that its `patched()` path still replays.
 */
import { writeHistoryFixture } from './writeFixture';
import { auditBatcherWorkflowId, workflowIdForReservation, auditShardFor, resolveSignal, retryTransferSignal } from '../../contract';
import { startStack, type Stack } from '../support/harness';
import { auditRowCount, signalBatcher, syntheticEvents } from '../support/auditEvents';
import { reserveTicket } from '../support/scenario';
import { waitFor } from '../support/waitFor';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ env: { AUDIT_FLUSH_MS: '100', AUDIT_SHARDS: '1' } });
});
afterAll(async () => {
  await stack?.stop();
});

async function status(paymentId: string, wanted: string) {
  return waitFor(
    async () => {
      const response = await stack.api(`/api/transactions/${paymentId}`);
      const body = response.status === 200 ? ((await response.json()) as { status: string }) : undefined;
      return body?.status === wanted ? body : undefined;
    },
    { timeoutMs: 30_000, what: `${paymentId} ${wanted}` },
  );
}

async function save(name: string, workflowId: string, runId?: string) {
  const handle = stack.client.workflow.getHandle(workflowId);
  await waitFor(async () => ((await handle.describe()).status.name !== 'RUNNING' || name.startsWith('audit') ? true : undefined), {
    timeoutMs: 30_000,
    what: `${workflowId} closed`,
  });
  writeHistoryFixture(name, workflowId, runId);
}

it('records one history per workflow path', async () => {
  const happy = await reserveTicket(stack, { commissionBps: 250, priceMinor: 10_000 });
  const paid = await stack.simulator.pay(happy.paymentCodeId);
  await status(paid.paymentId, 'completed');
  await save('processTransaction-completed', `transaction-${paid.paymentId}`);

  const mismatch = await reserveTicket(stack, { commissionBps: 250, priceMinor: 10_000 });
  const short = await stack.simulator.pay(mismatch.paymentCodeId, { amount: { currency: 'SLE', value: 9_000 } });
  await status(short.paymentId, 'needs_attention');
  await stack.client.workflow
    .getHandle(`transaction-${short.paymentId}`)
    .signal(resolveSignal, { decision: 'accept', note: 'customer paid short, agent approved', operator: 'recorder' });
  await status(short.paymentId, 'completed');
  await save('processTransaction-accepted', `transaction-${short.paymentId}`);

  const failing = await reserveTicket(stack, { commissionBps: 250, priceMinor: 10_000 });
  stack.simulator.faults.set({ rejectTransfers: true });
  const rejected = await stack.simulator.pay(failing.paymentCodeId);
  await status(rejected.paymentId, 'needs_attention');
  stack.simulator.faults.reset();
  await stack.client.workflow
    .getHandle(`transaction-${rejected.paymentId}`)
    .signal(retryTransferSignal, { operator: 'recorder', note: 'fault cleared' });
  await status(rejected.paymentId, 'completed');
  await save('processTransaction-retried', `transaction-${rejected.paymentId}`);

  const cancelled = await reserveTicket(stack, { commissionBps: 250, priceMinor: 10_000 });
  const unknown = await stack.simulator.pay(cancelled.paymentCodeId, { amount: { currency: 'SLE', value: 1 } });
  await status(unknown.paymentId, 'needs_attention');
  await stack.client.workflow.getHandle(`transaction-${unknown.paymentId}`).cancel();
  await status(unknown.paymentId, 'cancelled');
  await save('processTransaction-cancelled', `transaction-${unknown.paymentId}`);

  const expiring = await reserveTicket(stack, { commissionBps: 250, priceMinor: 10_000 });
  await stack.simulator.expire(expiring.paymentCodeId);
  // releaseReservation-released.json (by code id) is the path before reservations had a
  // deadline; a reservation's expiry now brings its deadline workflow forward.
  await save('releaseReservation-webhook-released', workflowIdForReservation(expiring.ticketId));

  await save('auditBatcher-running', auditBatcherWorkflowId(stack.config.temporal.taskQueue, auditShardFor(paid.paymentId, 1)));

  // Malformed operator signals, answered as invalid, then a proper decision.
  const typo = await reserveTicket(stack, { commissionBps: 250, priceMinor: 10_000 });
  const typoPaid = await stack.simulator.pay(typo.paymentCodeId, { amount: { currency: 'SLE', value: 9_500 } });
  await status(typoPaid.paymentId, 'needs_attention');
  const typoHandle = stack.client.workflow.getHandle(`transaction-${typoPaid.paymentId}`);
  await typoHandle.signal('resolve', { decision: 'approve', note: 'typo', operator: 'recorder' });
  await typoHandle.signal('resolve', null);
  await typoHandle.signal('retryTransfer', null);
  await typoHandle.signal(resolveSignal, { decision: 'accept', note: 'short by 500, approved', operator: 'recorder' });
  await status(typoPaid.paymentId, 'completed');
  await save('processTransaction-invalid-signals', `transaction-${typoPaid.paymentId}`);

  // A batcher run that hands over to the next by continue-as-new, with events in flight.
  const batcherId = 'audit-batcher-recorded-continue-as-new';
  const input = { shard: 77, batchSize: 10, flushMs: 100, maxEventsPerRun: 30 };
  for (let i = 0; i < 60; i += 5) await signalBatcher(stack, batcherId, input, syntheticEvents('recorded-can', 5, i + 1));
  await waitFor(async () => ((await auditRowCount(stack, 'recorded-can')) >= 60 ? true : undefined), {
    timeoutMs: 30_000,
    what: '60 rows',
  });
  let firstRun: string | undefined;
  for await (const execution of stack.client.workflow.list({ query: `WorkflowId = '${batcherId}' AND ExecutionStatus = 'ContinuedAsNew'` }))
    firstRun ??= execution.runId;
  await save('auditBatcher-continued-as-new', batcherId, firstRun);
});
