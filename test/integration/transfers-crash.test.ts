/**
 * Issue 3: a worker SIGKILLed in the middle of 100 transfers, then restarted: all complete,
 * one transfer each. Issue 6: a worker SIGTERMed mid-transfer finishes what it holds first.
 * The worker processes cost most of this file's time (each bundles the workflows): the one
 * restarted after the SIGKILL is the one SIGTERMed next, and what the SIGTERMed worker leaves
 * is finished by the stack's own workers, in this process.
 */
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
  // The worker process starts (and bundles) while the tickets are reserved.
  // (Assigned as soon as it runs, so afterAll stops it whatever fails.)
  const [{ codes, net }, first] = await Promise.all([
    reserveMany(stack, 100),
    startWorkerProcess(stack).then((started) => (worker = started)),
  ]);
  const paymentIds = await payAll(stack, codes);
  const atKill = await waitFor(
    () => {
      const made = stack.simulator.ledger.distinctTransfers();
      return made >= 20 ? made : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 20, what: '20 transfers made' },
  );
  await first.kill();
  worker = await startWorkerProcess(stack);
  await allCompleted(stack, paymentIds, 180_000);
  const ledger = ledgerTransfers(stack, paymentIds);
  expect(ledger.counts).toEqual(new Array(100).fill(1));
  expect(ledger.total).toBe(100 * net);
  process.stderr.write(`[worker crash] killed with ${atKill} of 100 transfers made; ${ledger.posts} POSTs; 100 transfers, once each\n`);
  // The restarted worker stays up: the next test SIGTERMs it.
}, 300_000);

it('lets a SIGTERMed worker finish the transfers it has in flight: none needs a second POST', async () => {
  // Each transfer call takes 1.5 s, so several are in flight when SIGTERM arrives.
  stack.simulator.faults.set({ latencyMs: 1_500, latencyJitterMs: 0, scope: 'transfers' });
  const { codes, net } = await reserveMany(stack, 20);
  // The worker restarted in the test before, else (run alone) a new one.
  worker ??= await startWorkerProcess(stack);
  const paymentIds = await payAll(stack, codes);
  const keys = paymentIds.map((id) => `fareflow-transfer-${id}`);
  const inFlight = await waitFor(
    () => {
      const received = keys.filter((key) => stack.simulator.ledger.postsByIdempotencyKey(key) > 0);
      return received.length >= 5 ? received : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 20, what: '5 transfer calls under way' },
  );
  await worker.stop();
  expect(worker.child.exitCode).toBe(0);
  worker = null;

  // The next worker: the stack's own, in this process.
  await stack.startWorkers();
  await allCompleted(stack, paymentIds, 120_000);
  // An abandoned call would have timed out (3 s) and been asked again by the next worker.
  for (const key of inFlight) expect(stack.simulator.ledger.postsByIdempotencyKey(key)).toBe(1);
  const ledger = ledgerTransfers(stack, paymentIds);
  expect(ledger.counts).toEqual(new Array(20).fill(1));
  expect(ledger.total).toBe(20 * net);
  process.stderr.write(
    `[worker sigterm] ${inFlight.length} transfer calls in flight at SIGTERM, each finished by that worker with one POST; 20 transfers, once each\n`,
  );
}, 240_000);
