/** Issue 3: a worker SIGKILLed in the middle of 100 transfers, then restarted: all complete, one transfer each. */
import { startStack, type Stack } from '../support/harness';
import { allCompleted, ledgerTransfers, payAll, reserveMany } from '../support/payments';
import { startWorkerProcess, type WorkerProcess } from '../support/workerProcess';
import { waitFor } from '../support/waitFor';

let stack: Stack;
let worker: WorkerProcess | null = null;
beforeAll(async () => {
  stack = await startStack({
    startWorkers: false,
    env: { TRANSFER_RATE_PER_MINUTE: '600000', TRANSFER_ATTEMPT_TIMEOUT_SECONDS: '3' },
    // Slow transfers keep many in flight when the worker dies.
    faults: { latencyMs: 150, latencyJitterMs: 100, scope: 'transfers' },
  });
});
afterAll(async () => {
  await worker?.stop().catch(() => undefined);
  await stack?.stop();
});

it('completes every transfer exactly once across a SIGKILL', async () => {
  const { codes, net } = await reserveMany(stack, 100);
  worker = await startWorkerProcess(stack);
  const paymentIds = await payAll(stack, codes);
  const atKill = await waitFor(() => {
    const made = stack.simulator.ledger.distinctTransfers();
    return made >= 20 ? made : undefined;
  }, { timeoutMs: 60_000, intervalMs: 20, what: '20 transfers made' });
  await worker.kill();
  worker = await startWorkerProcess(stack);
  await allCompleted(stack, paymentIds, 180_000);
  const ledger = ledgerTransfers(stack, paymentIds);
  expect(ledger.counts).toEqual(new Array(100).fill(1));
  expect(ledger.total).toBe(100 * net);
  process.stderr.write(`[worker crash] killed with ${atKill} of 100 transfers made; ${ledger.posts} POSTs; 100 transfers, once each\n`);
}, 300_000);
