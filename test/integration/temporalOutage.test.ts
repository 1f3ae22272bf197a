/**
 * Issue 6: while Temporal is down a signed webhook gets 503 and nothing is recorded; once
 * it is back, the same deliveries are accepted and each payment is processed once. The API
 * runs in its own process, as in production: its logs and metrics are read from outside.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startDevServer, type DevServer } from '../../temporal/devServer';
import { startApiProcess, type ApiProcess } from '../support/apiProcess';
import { freePort } from '../support/freePort';
import { startStack, type Stack } from '../support/harness';
import { postWebhook, reserveTicket } from '../support/scenario';
import { testCliPath } from '../support/testServer';
import { waitFor } from '../support/waitFor';

let server: DevServer;
let stack: Stack;
let api: ApiProcess;
let dataDir: string;
let ports: { port: number; uiPort: number };

async function startServer() {
  server = await startDevServer({ cliPath: testCliPath(), dataDir, namespace: 'default', ...ports });
}

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fareflow-outage-'));
  ports = { port: await freePort(), uiPort: await freePort() };
  await startServer();
  stack = await startStack({ temporalAddress: server.address });
  api = await startApiProcess(stack);
}, 120_000);
afterAll(async () => {
  api?.child.kill('SIGTERM');
  await api?.exited;
  await stack?.stop();
  await server?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

it('answers 503 while Temporal is down and accepts the redelivery once it is back', async () => {
  const reservations = await Promise.all([1, 2, 3].map(() => reserveTicket(stack, { commissionBps: 200, priceMinor: 3_000 })));
  const deliveries = await Promise.all(
    reservations.map((reservation) => stack.simulator.pay(reservation.paymentCodeId, { deliver: false })),
  );

  await server.stop();
  const started = Date.now();
  const whileDown = await Promise.all(deliveries.map((delivery) => postWebhook(stack, delivery.rawBody, { apiUrl: api.url })));
  const secondsTo503 = (Date.now() - started) / 1000;
  expect(whileDown.map((answer) => answer.status)).toEqual([503, 503, 503]);
  for (const answer of whileDown) expect((answer.body as { error: string }).error).toMatch(/Temporal/);
  const ready = await fetch(`${api.url}/readyz`);
  expect(ready.status).toBe(503);
  expect(await ready.json()).toMatchObject({ temporal: false, postgres: true });
  const metrics = await (await fetch(`${api.url}/metrics`)).text();
  expect(metrics).toMatch(/fareflow_webhook_requests_total\{outcome="unavailable",status="503",event="payment_code.completed"\} 3/);
  // The warning about each 503 names the request, the event and the workflow it was for.
  const warnings = api
    .lines()
    .filter((line) => line.includes('answered 503'))
    .map((line) => JSON.parse(line));
  expect(warnings.map((line) => line.workflowId).sort()).toEqual(deliveries.map((delivery) => `transaction-${delivery.paymentId}`).sort());
  for (const line of warnings)
    expect(line).toMatchObject({
      requestId: expect.any(String),
      eventId: expect.stringMatching(/^evt-/),
      reason: expect.stringMatching(/Temporal/),
    });

  await startServer();
  // MoniMe redelivers until it gets a 2xx.
  const afterwards = await Promise.all(
    deliveries.map((delivery) =>
      waitFor(
        async () => {
          const answer = await postWebhook(stack, delivery.rawBody, { apiUrl: api.url });
          return answer.status === 200 ? answer : undefined;
        },
        { timeoutMs: 60_000, intervalMs: 500, what: 'redelivery accepted' },
      ),
    ),
  );
  expect(afterwards.map((answer) => (answer.body as { status: string }).status)).toEqual(['accepted', 'accepted', 'accepted']);

  for (const delivery of deliveries) {
    await waitFor(
      async () => {
        const response = await stack.api(`/api/transactions/${delivery.paymentId}`);
        return response.status === 200 && ((await response.json()) as { status: string }).status === 'completed' ? true : undefined;
      },
      { timeoutMs: 60_000, what: `${delivery.paymentId} completed` },
    );
    expect(stack.simulator.ledger.transfersForTransaction(delivery.paymentId)).toHaveLength(1);
  }
  process.stderr.write(
    `[temporal down] 3 signed webhooks answered 503 in ${secondsTo503.toFixed(2)} s; after the restart accepted and processed once each\n`,
  );
}, 240_000);
