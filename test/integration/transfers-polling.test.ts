/** Issue 3: with MoniMe's webhooks switched off, a pending transfer completes through polling. */
import { startStack, type Stack } from '../support/harness';
import { allCompleted, ledgerTransfers, payAll, reserveMany } from '../support/payments';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({
    env: { TRANSFER_POLL_AFTER_SECONDS: '1' },
    faults: { pendingTransfers: true, pendingSettleMs: 1_500, webhooksEnabled: false },
  });
});
afterAll(async () => {
  await stack?.stop();
});

it('polls GET /v1/internal-transfers/{id} until the transfer is final', async () => {
  const { codes } = await reserveMany(stack, 3);
  const paymentIds = await payAll(stack, codes);
  await allCompleted(stack, paymentIds, 60_000);
  expect(ledgerTransfers(stack, paymentIds).counts).toEqual([1, 1, 1]);
  const { rows } = await stack.db.query(`SELECT status FROM commission_transfers WHERE transaction_id = ANY($1)`, [paymentIds]);
  expect(rows.map((row) => row.status)).toEqual(['completed', 'completed', 'completed']);
}, 90_000);
