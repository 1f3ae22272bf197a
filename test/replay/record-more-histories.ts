/**
 * Records the transaction paths record-histories.ts does not reach: an operator's reject,
 * a pending transfer settled by webhook or by poll, a cancel refused while the transfer
 * runs, and a stall, with the stall sweeper's run that signalled it. Run like it (`npm run record-histories`), before a refactor, so the
 * refactored code proves it replays them.
 */
import { writeHistoryFixture } from './writeFixture';
import { resolveSignal, workflowTypes, type StallSweepResult } from '../../contract';
import { startStack, type Stack } from '../support/harness';
import { reserveTicket } from '../support/scenario';
import { waitFor } from '../support/waitFor';

let stack: Stack;
let stalling: Stack;

beforeAll(async () => {
  stack = await startStack({ env: { AUDIT_FLUSH_MS: '100', AUDIT_SHARDS: '1', TRANSFER_POLL_AFTER_SECONDS: '1' } });
  stalling = await startStack({ env: { AUDIT_FLUSH_MS: '100', AUDIT_SHARDS: '1', STALL_TIMEOUT_SECONDS: '2' } });
});
afterAll(async () => {
  await stack?.stop();
  await stalling?.stop();
});

async function view(on: Stack, paymentId: string, wanted: (body: Record<string, unknown>) => boolean) {
  return waitFor(
    async () => {
      const response = await on.api(`/api/transactions/${paymentId}`);
      const body = response.status === 200 ? ((await response.json()) as Record<string, unknown>) : undefined;
      return body && wanted(body) ? body : undefined;
    },
    { timeoutMs: 60_000, what: `${paymentId}` },
  );
}
const status = (on: Stack, paymentId: string, wanted: string) => view(on, paymentId, (body) => body.status === wanted);

async function save(on: Stack, name: string, workflowId: string) {
  const handle = on.client.workflow.getHandle(workflowId);
  await waitFor(async () => ((await handle.describe()).status.name !== 'RUNNING' ? true : undefined), {
    timeoutMs: 60_000,
    what: `${workflowId} closed`,
  });
  writeHistoryFixture(name, workflowId);
}

/** A closed run of the stack's stall sweeper that signalled a transaction. */
async function sweepThatSignalled(on: Stack): Promise<string> {
  const query = `WorkflowType = '${workflowTypes.sweepStalledTransactions}' AND TaskQueue = '${on.config.temporal.taskQueue}' AND ExecutionStatus = 'Completed'`;
  return waitFor(
    async () => {
      for await (const execution of on.client.workflow.list({ query })) {
        const result = (await on.client.workflow.getHandle(execution.workflowId, execution.runId).result()) as StallSweepResult;
        if (result.signalled > 0) return execution.workflowId;
      }
      return undefined;
    },
    { timeoutMs: 30_000, what: 'a sweep that signalled' },
  );
}

it('records the remaining transaction paths', async () => {
  const mismatch = await reserveTicket(stack, { commissionBps: 250, priceMinor: 10_000 });
  const short = await stack.simulator.pay(mismatch.paymentCodeId, { amount: { currency: 'SLE', value: 9_000 } });
  await status(stack, short.paymentId, 'needs_attention');
  await stack.client.workflow
    .getHandle(`transaction-${short.paymentId}`)
    .signal(resolveSignal, { decision: 'reject', note: 'refund the customer', operator: 'recorder' });
  await status(stack, short.paymentId, 'cancelled');
  await save(stack, 'processTransaction-rejected', `transaction-${short.paymentId}`);

  stack.simulator.faults.set({ pendingTransfers: true, pendingSettleMs: 1_500, webhooksEnabled: true });
  const byWebhook = await stack.simulator.pay((await reserveTicket(stack, { commissionBps: 250, priceMinor: 10_000 })).paymentCodeId);
  await status(stack, byWebhook.paymentId, 'completed');
  await save(stack, 'processTransaction-pending-then-webhook', `transaction-${byWebhook.paymentId}`);

  stack.simulator.faults.set({ pendingTransfers: true, pendingSettleMs: 500, webhooksEnabled: false });
  const byPoll = await stack.simulator.pay((await reserveTicket(stack, { commissionBps: 250, priceMinor: 10_000 })).paymentCodeId);
  await status(stack, byPoll.paymentId, 'completed');
  await save(stack, 'processTransaction-pending-then-poll', `transaction-${byPoll.paymentId}`);

  stack.simulator.faults.reset();
  stack.simulator.faults.set({ latencyMs: 3_000, scope: 'transfers' });
  const refused = await stack.simulator.pay((await reserveTicket(stack, { commissionBps: 250, priceMinor: 10_000 })).paymentCodeId);
  const refusedHandle = stack.client.workflow.getHandle(`transaction-${refused.paymentId}`);
  await waitFor(
    async () =>
      (await stack.db.query(`SELECT 1 FROM commission_transfers WHERE transaction_id = $1`, [refused.paymentId])).rowCount
        ? true
        : undefined,
    {
      timeoutMs: 30_000,
      what: 'transfer requested',
    },
  );
  await refusedHandle.cancel();
  await status(stack, refused.paymentId, 'completed');
  await save(stack, 'processTransaction-cancel-refused', `transaction-${refused.paymentId}`);
  stack.simulator.faults.reset();

  stalling.simulator.faults.set({ pendingTransfers: true, pendingSettleMs: 6_000, webhooksEnabled: true });
  const stalled = await stalling.simulator.pay((await reserveTicket(stalling, { commissionBps: 250, priceMinor: 10_000 })).paymentCodeId);
  await view(stalling, stalled.paymentId, (body) => body.status === 'needs_attention');
  await status(stalling, stalled.paymentId, 'completed');
  await save(stalling, 'processTransaction-stalled', `transaction-${stalled.paymentId}`);
  await save(stalling, 'sweepStalledTransactions-signalled', await sweepThatSignalled(stalling));
});
