/**
 * "Money may have moved" is sticky: a MoniMe that applied the transfer but whose answer was
 * lost (the first attempt hangs past its timeout), and that then refuses the retry with 401,
 * must not let an operator reject or cancel — the company was paid; only MoniMe's own answer
 * for the key may clear it.
 */
import { resolveSignal, retryTransferSignal, statusQuery, transferIdempotencyKey, workflowIdForTransaction } from '../../contract';
import { startStack, type Stack } from '../support/harness';
import { reserveTicket } from '../support/scenario';
import { waitFor } from '../support/waitFor';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ env: { TRANSFER_ATTEMPT_TIMEOUT_SECONDS: '1' } });
});
afterAll(async () => {
  await stack?.stop();
});

it('a 401 after a lost answer leaves the payment to the company: reject and cancel refused, the retry finds the transfer', async () => {
  const reservation = await reserveTicket(stack, { commissionBps: 500, priceMinor: 10_000 });
  stack.simulator.faults.set({ hangProbability: 1, hangAfterApplying: true, hangMs: 3_000, scope: 'transfers' });
  const paid = await stack.simulator.pay(reservation.paymentCodeId);
  const key = transferIdempotencyKey(paid.paymentId, 0);
  // MoniMe applied it; the answer will never reach the first attempt. Then the token is "revoked".
  await waitFor(() => (stack.simulator.ledger.totalMovedTo(reservation.financialAccountId) === 9_500 ? true : undefined), {
    what: 'the transfer applied',
  });
  stack.simulator.faults.reset();
  stack.simulator.faults.set({ rejectCredentials: true });

  const handle = stack.client.workflow.getHandle(workflowIdForTransaction(paid.paymentId));
  await waitFor(
    async () => {
      const view = await handle.query(statusQuery);
      return view.reason === 'transfer_failed' && view.stage === 'awaiting_operator' ? view : undefined;
    },
    { timeoutMs: 30_000, what: 'transfer_failed after the 401' },
  );
  expect((await handle.query(statusQuery)).lastError).toMatch(/401/);
  expect(stack.simulator.ledger.postsByIdempotencyKey(key)).toBe(1);

  await handle.signal(resolveSignal, { decision: 'reject', note: 'refund the passenger', operator: 'ada' });
  await handle.cancel();
  const refused = await waitFor(
    async () => {
      const view = await handle.query(statusQuery);
      return view.decisions.length >= 2 ? view : undefined;
    },
    { what: 'reject and cancel answered' },
  );
  expect(refused.decisions.map((decision) => decision.outcome)).toEqual([
    'refused: a transfer may have reached MoniMe; retryTransfer first to learn its outcome',
    'refused: a transfer may have reached MoniMe; retryTransfer first to learn its outcome',
  ]);
  expect(refused).toMatchObject({ status: 'needs_attention', reason: 'transfer_failed' });
  const { rows } = await stack.db.query(`SELECT status FROM tickets WHERE id = $1`, [reservation.ticketId]);
  expect(rows[0].status).toBe('issued');

  stack.simulator.faults.reset();
  await handle.signal(retryTransferSignal, { operator: 'ada', note: 'token renewed' });
  const view = await handle.result();
  expect(view).toMatchObject({ status: 'completed', transfer: { status: 'completed', round: 0 } });
  expect(stack.simulator.ledger.totalMovedTo(reservation.financialAccountId)).toBe(9_500);
  expect((await handle.describe()).status.name).toBe('COMPLETED');
});
