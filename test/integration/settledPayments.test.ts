/**
 * A payment that is settled — completed, cancelled or rejected, or whose money moved — never
 * reaches MoniMe again and never changes status, even when a second `transaction-<id>` run
 * starts for it: after Temporal's retention deleted the first run, with the API's database
 * pre-check failing (here: the webhook goes to an API whose pool cannot reach PostgreSQL).
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { WorkflowNotFoundError } from '@temporalio/client';
import { createApiApp } from '../../api/app';
import { resolveSignal, retryTransferSignal, workflowIdForTransaction } from '../../contract';
import { listAuditTrail } from '../../db/queries/audit';
import { createPool, type Db } from '../../db/pool';
import { setTransactionStatus } from '../../db/queries/payments';
import { transferIdempotencyKey } from '../../contract';
import { createLogger } from '../../observability/logger';
import { createApiMetrics } from '../../observability/metrics';
import { startStack, type Stack } from '../support/harness';
import { postWebhook, reserveTicket } from '../support/scenario';
import { waitFor } from '../support/waitFor';

let stack: Stack;
let deadPool: Db;
let blindApi: Server;
let blindApiUrl: string;

beforeAll(async () => {
  stack = await startStack({ env: { AUDIT_FLUSH_MS: '100' } });
  // An API whose database pre-check fails: nothing listens on port 1.
  deadPool = createPool('postgres://postgres@127.0.0.1:1/fareflow', 2);
  const app = createApiApp({
    config: stack.config,
    db: deadPool,
    temporal: stack.client,
    monime: stack.fareflow.monime,
    logger: createLogger('silent', 'blind-api'),
    metrics: createApiMetrics(),
    readiness: { temporal: async () => true, postgres: async () => false },
  });
  blindApi = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => blindApi.once('listening', resolve));
  blindApiUrl = `http://127.0.0.1:${(blindApi.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => blindApi?.close(resolve));
  await deadPool?.end();
  await stack?.stop();
});
afterEach(() => stack.simulator.faults.reset());

async function row(transactionId: string) {
  const { rows } = await stack.db.query(`SELECT status, attention_reason FROM transactions WHERE id = $1`, [transactionId]);
  return rows[0] as { status: string; attention_reason: string | null } | undefined;
}
const rowWith = (transactionId: string, status: string) =>
  waitFor(async () => ((await row(transactionId))?.status === status ? true : undefined), {
    timeoutMs: 60_000,
    what: `${transactionId} ${status}`,
  });

/**
 * As Temporal's retention does once the run is closed. The server deletes it once its queues'
 * ack levels pass the close: within seconds on the test server (test/support/globalSetup.ts
 * sets them to move every second; its default, 30 s, made this file wait half a minute a run).
 */
async function forgetRun(transactionId: string): Promise<void> {
  const handle = stack.client.workflow.getHandle(workflowIdForTransaction(transactionId));
  await waitFor(async () => ((await handle.describe()).status.name !== 'RUNNING' ? true : undefined), { what: 'first run closed' });
  const { runId } = await handle.describe();
  await stack.client.workflowService.deleteWorkflowExecution({
    namespace: stack.config.temporal.namespace,
    workflowExecution: { workflowId: handle.workflowId, runId },
  });
  await waitFor(
    async () =>
      handle.describe().then(
        (d) => {
          throw new Error('still there: ' + d.status.name);
        },
        (error) => {
          if (error instanceof WorkflowNotFoundError) return true;
          throw error;
        },
      ),
    { timeoutMs: 60_000, what: 'run deleted' },
  );
}

/** MoniMe delivers the same payment again; the pre-check cannot ask the database. */
async function redeliverBlind(rawBody: string, transactionId: string) {
  const answer = await postWebhook(stack, rawBody, { apiUrl: blindApiUrl });
  expect(answer).toMatchObject({ status: 200, body: { status: 'accepted' } });
  const second = stack.client.workflow.getHandle(workflowIdForTransaction(transactionId));
  await waitFor(async () => ((await second.describe()).status.name !== 'RUNNING' ? true : undefined), {
    timeoutMs: 60_000,
    what: 'second run closed',
  });
  return second;
}

const actions = async (transactionId: string) =>
  (await listAuditTrail(stack.db, 'transaction', transactionId)).map((event) => event.action);

it('a transaction cancelled before its transfer is not paid out by a second run', async () => {
  const reservation = await reserveTicket(stack, { commissionBps: 500, priceMinor: 10_000 });
  const paid = await stack.simulator.pay(reservation.paymentCodeId, { amount: { currency: 'SLE', value: 9_000 } });
  await rowWith(paid.paymentId, 'needs_attention');
  await stack.client.workflow
    .getHandle(workflowIdForTransaction(paid.paymentId))
    .signal(resolveSignal, { decision: 'reject', note: 'refund', operator: 'ops' });
  await rowWith(paid.paymentId, 'cancelled');
  await forgetRun(paid.paymentId);

  await redeliverBlind(paid.rawBody, paid.paymentId);

  expect(await row(paid.paymentId)).toMatchObject({ status: 'cancelled' });
  expect(stack.simulator.ledger.postsByIdempotencyKey(transferIdempotencyKey(paid.paymentId, 0))).toBe(0);
  expect(stack.simulator.ledger.totalMovedTo(reservation.financialAccountId)).toBe(0);
  await waitFor(async () => ((await actions(paid.paymentId)).includes('found_settled') ? true : undefined), {
    what: 'found_settled audited',
  });
});

it('a transaction completed in transfer round 1 is not asked of MoniMe again under the round-0 key', async () => {
  const reservation = await reserveTicket(stack, { commissionBps: 500, priceMinor: 10_000 });
  stack.simulator.faults.set({ pendingTransfers: true, pendingSettleMs: 200, pendingOutcome: 'failed' });
  const paid = await stack.simulator.pay(reservation.paymentCodeId);
  await rowWith(paid.paymentId, 'needs_attention');
  stack.simulator.faults.reset();
  await stack.client.workflow
    .getHandle(workflowIdForTransaction(paid.paymentId))
    .signal(retryTransferSignal, { operator: 'ops', note: 'MoniMe fixed' });
  await rowWith(paid.paymentId, 'completed');
  const postsBefore = stack.simulator.ledger.totalPosts();
  await forgetRun(paid.paymentId);

  await redeliverBlind(paid.rawBody, paid.paymentId);

  expect(stack.simulator.ledger.totalPosts()).toBe(postsBefore);
  expect(await row(paid.paymentId)).toMatchObject({ status: 'completed', attention_reason: null });
  expect(stack.simulator.ledger.totalMovedTo(reservation.financialAccountId)).toBe(9_500);
  await waitFor(async () => ((await actions(paid.paymentId)).includes('found_settled') ? true : undefined), {
    what: 'found_settled audited',
  });
});

it('a late status write never moves a transaction backwards', async () => {
  const reservation = await reserveTicket(stack, { commissionBps: 500, priceMinor: 10_000 });
  const paid = await stack.simulator.pay(reservation.paymentCodeId);
  await rowWith(paid.paymentId, 'completed');

  // The stall detector's write, arriving after the completion.
  const late = await setTransactionStatus(stack.db, paid.paymentId, 'needs_attention', 'stalled');

  expect(late).toEqual({ applied: false, current: 'completed' });
  expect(await row(paid.paymentId)).toEqual({ status: 'completed', attention_reason: null });
});
