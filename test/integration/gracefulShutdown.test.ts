/**
 * Issue 6: SIGTERM during a burst of signed webhooks. The API stops accepting, finishes
 * what it accepted: every delivery that got a 2xx is processed, and none that got a
 * non-2xx or a reset is lost when MoniMe redelivers. Also: logs carry the ids, /metrics
 * has the named series, and the worker serves its own metrics.
 */
import { deliverSigned } from '../support/deliver';
import { startStack, type Stack } from '../support/harness';
import { startApiProcess } from '../support/apiProcess';
import { freePort } from '../support/freePort';
import { inParallel } from '../support/payments';
import { startWorkerProcess } from '../support/workerProcess';
import { waitFor } from '../support/waitFor';

const BURST = 300;
/** SIGTERM once this many deliveries were answered, with 25 more in flight. */
const SIGTERM_AFTER = 60;
let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

it(`loses nothing when SIGTERM lands in a burst of ${BURST} signed webhooks`, async () => {
  const api = await startApiProcess(stack);
  const payments = await Promise.all(
    Array.from({ length: BURST }, (_, i) =>
      stack.simulator.pay(`pmc-burst-${i}`, { amount: { currency: 'SLE', value: 1_000 + i }, deliver: false }),
    ),
  );

  const statuses: number[] = new Array(BURST).fill(-1);
  let answered = 0;
  let next = 0;
  let terminated = false;
  await Promise.all(
    Array.from({ length: 25 }, async () => {
      while (next < BURST) {
        const i = next++;
        statuses[i] = await deliverSigned(stack, api.url, payments[i].rawBody);
        answered += 1;
        if (answered === SIGTERM_AFTER && !terminated) {
          terminated = true;
          api.child.kill('SIGTERM');
        }
      }
    }),
  );
  expect(await api.exited).toBe(0);

  const accepted = payments.filter((_, i) => statuses[i] === 200);
  const refused = payments.filter((_, i) => statuses[i] !== 200);
  expect(accepted.length).toBeGreaterThanOrEqual(SIGTERM_AFTER);
  expect(refused.length).toBeGreaterThan(0);
  for (const status of statuses) expect([0, 200, 503]).toContain(status);

  // Every 2xx was durably recorded before it was sent.
  await inParallel(accepted, 16, async (payment) => {
    await expect(stack.client.workflow.getHandle(`transaction-${payment.paymentId}`).describe()).resolves.toBeTruthy();
  });
  // MoniMe redelivers the rest to a running API (as it does, several at once).
  const redelivered: number[] = [];
  await inParallel(refused, 16, async (payment) => {
    redelivered.push(await deliverSigned(stack, stack.apiUrl, payment.rawBody));
  });
  expect(redelivered).toEqual(new Array(refused.length).fill(200));

  await waitFor(
    async () => {
      const { rows } = await stack.db.query(`SELECT count(*)::int AS n FROM transactions WHERE id LIKE 'pay-%'`);
      return rows[0].n === BURST ? true : undefined;
    },
    { timeoutMs: 120_000, intervalMs: 200, what: `${BURST} transactions` },
  );
  const { count } = await stack.client.workflow.count(
    `TaskQueue = "${stack.config.temporal.taskQueue}" AND WorkflowType = "processTransaction"`,
  );
  expect(count).toBe(BURST);

  // Every webhook log line names the request, the event and the workflow.
  const webhookLines = api
    .lines()
    .filter((line) => line.includes('"/webhooks/monime"'))
    .map((line) => JSON.parse(line));
  expect(webhookLines.length).toBeGreaterThanOrEqual(accepted.length);
  for (const line of webhookLines.filter((entry) => entry.status === 200)) {
    expect(line).toMatchObject({
      requestId: expect.any(String),
      eventId: expect.stringMatching(/^evt-/),
      workflowId: expect.stringMatching(/^transaction-pay-/),
    });
  }
  expect(api.lines().join('\n')).not.toContain(stack.config.monime.webhookSecrets[0]);
  process.stderr.write(
    `[sigterm] ${accepted.length} accepted before shutdown, ${refused.length} refused or reset and redelivered; ${BURST} processed once\n`,
  );
}, 300_000);

it('exposes the named metrics, and the worker its own', async () => {
  const metrics = await (await fetch(`${stack.apiUrl}/metrics`)).text();
  for (const series of [
    'fareflow_webhook_requests_total',
    'fareflow_webhook_ack_seconds_bucket',
    'fareflow_temporal_start_seconds_bucket',
    'fareflow_http_requests_total',
  ]) {
    expect(metrics).toContain(series);
  }
  expect(metrics).toMatch(/fareflow_webhook_requests_total\{outcome="accepted",status="200",event="payment_code.completed"\} \d+/);

  const metricsPort = await freePort();
  const worker = await startWorkerProcess(stack, { WORKER_METRICS_PORT: String(metricsPort) });
  try {
    const workerMetrics = await waitFor(
      async () => {
        const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
        return text.includes('temporal_') ? text : undefined;
      },
      { what: 'worker metrics' },
    );
    expect(workerMetrics).toMatch(/temporal_(worker|workflow|activity|num_pollers|request)/);
  } finally {
    await worker.stop();
  }
}, 120_000);
