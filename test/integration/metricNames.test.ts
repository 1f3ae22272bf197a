/**
 * The alert rules and the dashboard query metrics by name and label; a renamed metric or a
 * label it does not carry would leave an alert that can never fire and a panel that stays
 * empty, silently. So every name (and label) they use must be one the API's /metrics or the
 * worker runtime's exporter really serves, after traffic that exercises each kind: a paid
 * ticket, a payment for an unknown code, a refused signature, a transfer call that fails once.
 */
import {
  monitoredMetricNames,
  servedLabels,
  servedMetricNames,
  unsampledNames,
  unservedLabels,
  unservedNames,
} from '../support/metricNames';
import { freePort } from '../support/freePort';
import { startStack, type Stack } from '../support/harness';
import { postWebhook, reserveTicket } from '../support/scenario';
import { startWorkerProcess, type WorkerProcess } from '../support/workerProcess';
import { waitFor } from '../support/waitFor';

let stack: Stack;
let worker: WorkerProcess;
let workerMetricsUrl: string;
beforeAll(async () => {
  stack = await startStack({ startWorkers: false });
  const port = await freePort();
  workerMetricsUrl = `http://127.0.0.1:${port}/metrics`;
  worker = await startWorkerProcess(stack, { WORKER_METRICS_PORT: String(port) });
}, 120_000);
afterAll(async () => {
  await worker?.stop();
  await stack?.stop();
});

const scrape = async (url: string) => (await fetch(url)).text();

it('monitors only metrics that /metrics and the worker runtime serve', async () => {
  // A transfer call that fails (MoniMe answers 500) before one that succeeds.
  stack.simulator.faults.set({ errorRates: { '500': 1 }, scope: 'transfers' });
  const reservation = await reserveTicket(stack, { commissionBps: 500, priceMinor: 5_000 });
  const paid = await stack.simulator.pay(reservation.paymentCodeId);
  expect(paid.status).toBe(200);
  await waitFor(async () => ((await scrape(workerMetricsUrl)).includes('temporal_activity_execution_failed') ? true : undefined), {
    timeoutMs: 60_000,
    what: 'a failed transfer activity in the worker metrics',
  });
  stack.simulator.faults.reset();
  await waitFor(
    async () => {
      const { rows } = await stack.db.query(`SELECT status FROM transactions WHERE id = $1`, [paid.paymentId]);
      return rows[0]?.status === 'completed' ? true : undefined;
    },
    { timeoutMs: 60_000, what: 'the payment completed' },
  );
  const unknown = await stack.simulator.pay('pmc-does-not-exist', { amount: { currency: 'SLE', value: 700 } });
  expect(unknown.status).toBe(200);
  expect((await postWebhook(stack, '{}', { signature: 't=1,v1=forged' })).status).toBe(401);

  const expositions = [await scrape(`${stack.apiUrl}/metrics`), await scrape(workerMetricsUrl)];
  const monitored = monitoredMetricNames();
  expect(monitored.size).toBeGreaterThan(15);
  expect({ unserved: unservedNames(monitored, servedMetricNames(expositions)) }).toEqual({ unserved: [] });
  // A label the metric does not carry would leave a panel empty or an alert silent just the same.
  const labels = servedLabels(expositions);
  expect({ unservedLabels: unservedLabels(labels) }).toEqual({ unservedLabels: [] });
  // Only the shed counter has no sample here (nothing was shed), so only its `event` label goes unchecked.
  expect(unsampledNames(monitored, labels)).toEqual(['fareflow_webhooks_shed_total']);
});

it('reports open transactions by status and reason from the database', async () => {
  const metrics = await waitFor(
    async () => {
      const text = await scrape(`${stack.apiUrl}/metrics`);
      return /fareflow_transactions_open\{status="needs_attention",reason="unknown_payment_code"\} 1\b/.test(text) ? text : undefined;
    },
    { timeoutMs: 30_000, what: 'the parked payment in fareflow_transactions_open' },
  );
  expect(metrics).toMatch(/fareflow_transactions_open\{status="processing",reason=""\} 0\b/);
  const oldest = Number(
    /fareflow_transactions_open_oldest_seconds\{status="needs_attention",reason="unknown_payment_code"\} (\S+)/.exec(metrics)?.[1],
  );
  expect(oldest).toBeGreaterThanOrEqual(0);
  expect(oldest).toBeLessThan(120);
});
