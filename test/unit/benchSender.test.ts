/**
 * The bench's sender in a worker thread of its own (bench/sender.ts, bench/senderThread.ts):
 * the same deliveries as in-process, live counters shared with the main thread, and the
 * thread's error as the rejection instead of a hang.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { scheduleStart, sendOpenLoopInThread, SharedSenderCounters, type SenderCounters } from '../../bench/sender';

let server: http.Server;
let apiUrl: string;
/** Deliveries per payment id seen by the server; each payment's first delivery gets a 503. */
const deliveries = new Map<string, number>();

beforeAll(async () => {
  server = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const { id } = JSON.parse(body) as { id: string };
      const seen = (deliveries.get(id) ?? 0) + 1;
      deliveries.set(id, seen);
      const signed = /^t=\d+,v1=/.test(String(request.headers['monime-signature']));
      if (!signed) response.writeHead(401).end();
      else if (seen === 1) response.writeHead(503, { 'retry-after': '0' }).end();
      else response.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

const envelopes = (n: number) => Array.from({ length: n }, (_, i) => ({ paymentId: `p${i}`, rawBody: JSON.stringify({ id: `p${i}` }) }));

test('delivers every payment from its own thread, redelivering the 503s, with live shared counters', async () => {
  const counters = new SharedSenderCounters();
  const before = Date.now();
  const sent = await sendOpenLoopInThread(envelopes(20), (i) => i * 10, {
    apiUrls: [apiUrl],
    secret: 'whsec_test',
    giveUpAfterMs: 10_000,
    counters,
  });
  expect(sent.map((payment) => payment.paymentId)).toEqual(envelopes(20).map((envelope) => envelope.paymentId));
  for (const payment of sent) {
    expect(payment).toMatchObject({ firstStatus: 503, deliveries: 2 });
    expect(payment.ackedAt).not.toBeNull();
  }
  // The schedule's offsets, from the thread's start.
  const start = scheduleStart(sent, 0);
  expect(start).toBeGreaterThanOrEqual(before);
  expect(sent.map((payment) => payment.intendedAt - start)).toEqual(envelopes(20).map((_, i) => i * 10));
  expect({ sent: counters.sent, acked: counters.acked, refused: counters.refused }).toEqual({ sent: 20, acked: 20, refused: 20 });
}, 30_000);

test('plain counters are kept up to date too', async () => {
  const counters: SenderCounters = { sent: 0, acked: 0, refused: 0 };
  await sendOpenLoopInThread(
    envelopes(3).map((envelope) => ({
      ...envelope,
      paymentId: `plain-${envelope.paymentId}`,
      rawBody: JSON.stringify({ id: `plain-${envelope.paymentId}` }),
    })),
    () => 0,
    { apiUrls: [apiUrl], secret: 'whsec_test', giveUpAfterMs: 10_000, counters },
  );
  expect(counters).toEqual({ sent: 3, acked: 3, refused: 3 });
}, 30_000);

test("the thread's error rejects the promise", async () => {
  const counters = new SharedSenderCounters();
  // No API to send to: the URL `undefined/webhooks/monime` throws in the thread.
  await expect(
    sendOpenLoopInThread(envelopes(1), () => 0, { apiUrls: [], secret: 'whsec_test', giveUpAfterMs: 1000, counters }),
  ).rejects.toThrow(/Invalid URL/);
}, 30_000);
