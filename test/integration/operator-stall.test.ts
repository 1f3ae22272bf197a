/**
 * Issue 5: stuck detection. A transfer that stays `pending` with no webhook is not a
 * failure, yet after STALL_TIMEOUT_SECONDS the transaction must surface for an operator.
 * Started by the API, so found by the stall sweeper (a Schedule, every second here), not by
 * a timer of its own (issue 12).
 */
import { retryTransferSignal, statusQuery, workflowIdForTransaction } from '../../contract';
import { startStack, type Stack } from '../support/harness';
import { runOps } from '../support/opsCli';
import { reserveTicket } from '../support/scenario';
import { waitFor } from '../support/waitFor';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({
    env: { STALL_TIMEOUT_SECONDS: '2', TRANSFER_POLL_AFTER_SECONDS: '600' },
    faults: { pendingTransfers: true, pendingSettleMs: 300, webhooksEnabled: false },
  });
});
afterAll(async () => {
  await stack?.stop();
});

it('marks a transaction stalled, refuses to cancel it, and `retryTransfer` asks MoniMe and completes it once', async () => {
  const reservation = await reserveTicket(stack, { commissionBps: 250, priceMinor: 4_000 });
  const paid = await stack.simulator.pay(reservation.paymentCodeId);
  const handle = stack.client.workflow.getHandle(workflowIdForTransaction(paid.paymentId));

  const stalled = await waitFor(
    async () => {
      const view = await handle.query(statusQuery);
      return view.reason === 'stalled' ? view : undefined;
    },
    { timeoutMs: 20_000, what: 'stalled' },
  );
  expect(stalled).toMatchObject({ status: 'needs_attention', stage: 'awaiting_transfer', transfer: { status: 'pending' } });
  // The sweeper's signal did it; the only timer is the transfer's poll (TRANSFER_POLL_AFTER_SECONDS), none of 2 s.
  const events = (await handle.fetchHistory()).events ?? [];
  expect(events.filter((event) => event.workflowExecutionSignaledEventAttributes?.signalName === 'stallDetected').length).toBeGreaterThan(
    0,
  );
  const timers = events.flatMap((event) =>
    event.timerStartedEventAttributes ? [Number(event.timerStartedEventAttributes.startToFireTimeout?.seconds)] : [],
  );
  expect(timers).toEqual([600]);
  await waitFor(
    async () => {
      for await (const execution of stack.client.workflow.list({
        query: `AttentionReason = "stalled" AND TransactionStatus = "needs_attention"`,
      })) {
        if (execution.workflowId === handle.workflowId) return true;
      }
      return undefined;
    },
    { what: 'stalled in visibility' },
  );
  // MoniMe settled it long ago; only no webhook came.
  expect(stack.simulator.ledger.transfersForTransaction(paid.paymentId)[0].status).toBe('completed');

  // The money has moved (we just do not know it yet): cancel is refused, with the reason.
  const refused = await runOps(stack, ['cancel', paid.paymentId, '--reason', 'looks stuck', '--operator', 'kadie', '--json']);
  expect(refused.code).toBe(3);
  expect(JSON.parse(refused.stdout)).toMatchObject({ cancelled: false, refusedReason: expect.stringMatching(/transfer/) });
  // Temporal takes one cancel request per execution: a second one is not sent, and the CLI says why.
  const again = await runOps(stack, ['cancel', paid.paymentId, '--reason', 'really', '--operator', 'kadie']);
  expect(again.code).toBe(2);
  expect(again.stderr).toMatch(/a cancel was already refused .*resolve --reject/);

  await handle.signal(retryTransferSignal, { operator: 'ops', note: 'check with MoniMe' });
  await waitFor(async () => ((await handle.query(statusQuery)).status === 'completed' ? true : undefined), {
    what: 'completed after the poll',
  });
  const txn = (await (await stack.api(`/api/transactions/${paid.paymentId}`)).json()) as { status: string; transfer: { status: string } };
  expect(txn).toMatchObject({ status: 'completed', transfer: { status: 'completed' } });
  expect(stack.simulator.ledger.transfersForTransaction(paid.paymentId)).toHaveLength(1);
  expect((await handle.query(statusQuery)).decisions.map((entry) => `${entry.kind}: ${entry.outcome.split(':')[0]}`)).toEqual([
    'cancel: refused',
    'retryTransfer: the transfer is asked again for its status',
  ]);
});
