/**
 * Graceful overload: with 2 Temporal calls in flight and 2 waiting at most, a burst of 60
 * payment webhooks (15 times what the API holds) is answered at once — accepted, or refused
 * with a 503 that carries Retry-After and records nothing. A sender that delivers again every
 * refusal gets them all accepted in the end, and each payment is settled exactly once.
 */
import { signMonimeWebhook } from '../../monime/signature';
import { AT_CAPACITY_MESSAGE } from '../../api/webhooks/temporalSlots';
import { startStack, type Stack } from '../support/harness';
import { allCompleted, ledgerTransfers, reserveMany } from '../support/payments';

const N = 60;

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({
    env: {
      WEBHOOK_MAX_IN_FLIGHT: '2',
      WEBHOOK_MAX_WAITING: '2',
      WEBHOOK_SLOT_WAIT_MS: '50',
      TRANSFER_RATE_PER_MINUTE: '60000',
      // A transfer webhook shed during the burst is not redelivered by the simulator: polling finds the outcome.
      TRANSFER_POLL_AFTER_SECONDS: '1',
    },
  });
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});

interface Answer {
  status: number;
  retryAfter: string | null;
  body: { status?: string; error?: string };
}

async function deliver(rawBody: string): Promise<Answer> {
  const signature = signMonimeWebhook(stack.config.monime.webhookSecrets[0], rawBody, Math.floor(Date.now() / 1000));
  const response = await fetch(`${stack.apiUrl}/webhooks/monime`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'monime-signature': signature },
    body: rawBody,
  });
  return { status: response.status, retryAfter: response.headers.get('retry-after'), body: (await response.json()) as Answer['body'] };
}

it('sheds a burst with immediate 503s and Retry-After, and settles every redelivered payment once', async () => {
  const { codes } = await reserveMany(stack, N);
  const deliveries = await Promise.all(codes.map((code) => stack.simulator.pay(code, { deliver: false })));
  const paymentIds = deliveries.map((delivery) => delivery.paymentId);

  // All at once.
  const burst = await Promise.all(deliveries.map((delivery) => deliver(delivery.rawBody)));
  const shed = burst.filter((answer) => answer.status === 503);
  expect(shed.length).toBeGreaterThan(0);
  expect(burst.filter((answer) => answer.status >= 500 && answer.status !== 503)).toEqual([]);
  expect(burst.filter((answer) => answer.status !== 503 && answer.status !== 200)).toEqual([]);
  for (const answer of shed) {
    expect(answer.body.error).toBe(AT_CAPACITY_MESSAGE);
    expect(answer.retryAfter).toMatch(/^\d+$/);
    expect(Number(answer.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(Number(answer.retryAfter)).toBeLessThanOrEqual(30);
  }

  // The sender: every refusal delivered again after a short wait scaled from Retry-After, until all are 2xx.
  let pending = burst.flatMap((answer, i) => (answer.status === 200 ? [] : [{ i, retryAfter: Number(answer.retryAfter ?? 1) }]));
  for (let round = 0; pending.length > 0; round++) {
    if (round >= 200) throw new Error(`${pending.length} webhooks still refused after ${round} rounds`);
    const wait = Math.min(500, 20 * Math.max(...pending.map((p) => p.retryAfter)));
    await new Promise((resolve) => setTimeout(resolve, wait));
    const answers = await Promise.all(pending.map(({ i }) => deliver(deliveries[i].rawBody)));
    expect(answers.filter((answer) => answer.status !== 200 && answer.status !== 503)).toEqual([]);
    pending = pending.flatMap((p, k) => (answers[k].status === 200 ? [] : [{ i: p.i, retryAfter: Number(answers[k].retryAfter ?? 1) }]));
  }

  await allCompleted(stack, paymentIds, 150_000);
  const { rows } = await stack.db.query(`SELECT count(*)::int AS n FROM transactions WHERE id = ANY($1) AND status = 'completed'`, [
    paymentIds,
  ]);
  expect(rows[0].n).toBe(N);
  const ledger = ledgerTransfers(stack, paymentIds);
  expect(ledger.counts).toEqual(new Array(N).fill(1));

  const metrics = await (await fetch(`${stack.apiUrl}/metrics`)).text();
  const shedTotal = metrics.match(/^fareflow_webhooks_shed_total\{event="payment_code.completed"\} (\d+)$/m);
  expect(Number(shedTotal?.[1])).toBeGreaterThanOrEqual(shed.length);
  expect(metrics).toMatch(/^fareflow_webhook_requests_total\{outcome="shed",status="503",event="payment_code.completed"\} [1-9]\d*$/m);
  expect(metrics).toMatch(/^fareflow_temporal_calls_in_flight \d+$/m);
  expect(metrics).toMatch(/^fareflow_temporal_calls_waiting \d+$/m);
}, 300_000);
