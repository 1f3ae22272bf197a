/**
 * Issue 13: several processes on one Temporal server on PostgreSQL and one database. Two API
 * processes and three worker processes; 1,000 payments spread over both APIs with a duplicate
 * of each sent to the other; one worker and one API SIGKILLed mid-stream and started again.
 * A sender that redelivers every non-2xx to the other API (as MoniMe would, through a load
 * balancer) ends with every payment settled exactly once and every audit trail complete.
 */
import { startApiProcess, type ApiProcess } from '../support/apiProcess';
import { deliverSigned } from '../support/deliver';
import { startStack, type Stack } from '../support/harness';
import { allCompleted, inParallel, reserveMany } from '../support/payments';
import { waitFor } from '../support/waitFor';
import { startWorkerProcess, type WorkerProcess } from '../support/workerProcess';

const PAYMENTS = 1_000;
const KILL_AFTER = 300;
const AUDIT_TRAIL = ['received', 'applied', 'transfer_requested', 'transfer_completed', 'completed'];

let stack: Stack;
const apis: ApiProcess[] = [];
const workers: WorkerProcess[] = [];

beforeAll(async () => {
  stack = await startStack({ startWorkers: false, env: { TRANSFER_RATE_PER_MINUTE: '600000', AUDIT_FLUSH_MS: '500' } });
});
afterAll(async () => {
  for (const worker of workers) await worker.stop().catch(() => undefined);
  for (const api of apis) if (api.child.exitCode === null) api.child.kill('SIGTERM');
  await Promise.all(apis.map((api) => api.exited));
  await stack?.stop();
});

/** Until a 2xx, alternating between the two APIs (a load balancer's retry); counts every answer. */
async function deliverUntilAccepted(first: number, rawBody: string, answers: Map<number, number>): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const status = await deliverSigned(stack, apis[(first + attempt) % 2].url, rawBody);
    answers.set(status, (answers.get(status) ?? 0) + 1);
    if (status >= 200 && status < 300) return;
    if (attempt > 200) throw new Error(`webhook refused 200 times, last ${status}`);
    await new Promise((resolve) => setTimeout(resolve, Math.min(50 * 2 ** Math.min(attempt, 5), 1_000))); // MoniMe's backoff
  }
}

it(`settles ${PAYMENTS} payments exactly once over 2 APIs and 3 workers, with one of each SIGKILLed`, async () => {
  const { codes, net } = await reserveMany(stack, PAYMENTS);
  apis.push(await startApiProcess(stack), await startApiProcess(stack));
  for (let i = 0; i < 3; i++) workers.push(await startWorkerProcess(stack));
  const payments = await Promise.all(codes.map((code) => stack.simulator.pay(code, { deliver: false })));

  const answers = new Map<number, number>();
  let answered = 0;
  let crash: Promise<void> | null = null;
  await inParallel(payments, 20, async (payment, i) => {
    // The first delivery to one API, a duplicate to the other.
    await deliverUntilAccepted(i % 2, payment.rawBody, answers);
    await deliverUntilAccepted((i + 1) % 2, payment.rawBody, answers);
    answered += 1;
    if (answered === KILL_AFTER) crash = killAndRestartOneOfEach();
  });
  await crash;

  await allCompleted(
    stack,
    payments.map((payment) => payment.paymentId),
    600_000,
  );
  const paymentIds = payments.map((payment) => payment.paymentId);
  const perPayment = paymentIds.map((id) => stack.simulator.ledger.transfersForTransaction(id));
  expect(perPayment.map((transfers) => transfers.length)).toEqual(new Array(PAYMENTS).fill(1));
  expect(perPayment.flat().every((transfer) => transfer.amount.value === net)).toBe(true);
  const tickets = await stack.db.query(`SELECT count(*)::int AS n FROM tickets WHERE status = 'issued' AND transaction_id = ANY($1)`, [
    paymentIds,
  ]);
  expect(tickets.rows[0].n).toBe(PAYMENTS);
  await waitFor(
    async () => {
      const { rows } = await stack.db.query(
        `SELECT entity_id, array_agg(action ORDER BY sequence) AS actions FROM audit_logs WHERE entity_id = ANY($1) GROUP BY entity_id`,
        [paymentIds],
      );
      const incomplete = rows.filter((row) => JSON.stringify(row.actions) !== JSON.stringify(AUDIT_TRAIL));
      if (rows.length === PAYMENTS && incomplete.length === 0) return true;
      // Kept by waitFor as the reason, should the deadline pass.
      throw new Error(`${rows.length} trails, ${incomplete.length} not as expected, e.g. ${JSON.stringify(incomplete.slice(0, 3))}`);
    },
    { timeoutMs: 300_000, intervalMs: 1_000, what: `${PAYMENTS} complete audit trails, no event twice` },
  );
  for (const status of answers.keys()) expect([0, 200, 503]).toContain(status);
  process.stderr.write(`[scale-out] answers by status: ${JSON.stringify(Object.fromEntries(answers))}\n`);
}, 900_000);

/** SIGKILL: no graceful shutdown, as in a crash; the replacements join the same queues. */
async function killAndRestartOneOfEach(): Promise<void> {
  const [api, worker] = [apis[0], workers[0]];
  api.child.kill('SIGKILL');
  await Promise.all([api.exited, worker.kill()]);
  [apis[0], workers[0]] = await Promise.all([startApiProcess(stack), startWorkerProcess(stack)]);
}
