/**
 * Money and audit safety, point 11: the in-memory count of rejected callers is bounded.
 * koa-ratelimit's memory driver keeps one entry per address forever, so a flood of failed
 * signatures from ever new addresses (trivial behind a balancer, TRUST_PROXY=true) would grow
 * the API's heap without end. Entries expire with their window and the store holds at most
 * MAX_TRACKED_CALLERS; the limiter still answers 429 with Retry-After, and never counts valid
 * requests. The store's size is read off /metrics, as an operator would.
 */
import http from 'node:http';
import { MAX_TRACKED_CALLERS } from '../../api/middleware/limitRejectedCallers';
import { signMonimeWebhook } from '../../monime/signature';
import { startStack, type Stack } from '../support/harness';

const LIMIT = 5;
let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ startWorkers: false, env: { TRUST_PROXY: 'true', REJECTED_REQUESTS_PER_MINUTE: String(LIMIT) } });
});
afterAll(async () => {
  flooder.destroy();
  await stack?.stop();
});

/** The i-th address of 10.0.0.0/8: distinct for every i below 2^24. */
const address = (i: number) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;

const unsigned = JSON.stringify({
  apiVersion: 'caph.2025-08-23',
  event: { id: 'evt-x', name: 'payout.completed', timestamp: '2026-11-24T10:00:00Z' },
});

/**
 * The flood's client: node's http with kept-alive sockets, a fraction of fetch's cost per
 * request — client and API share this process, so the flood's time is mostly CPU.
 */
const flooder = new http.Agent({ keepAlive: true, maxSockets: 200 });

function badSignature(from: string): Promise<{ status: number; retryAfter: string | null }> {
  const url = new URL(`${stack.apiUrl}/webhooks/monime`);
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        agent: flooder,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(unsigned),
          'monime-signature': 't=1,v1=AAAA',
          'x-forwarded-for': from,
        },
      },
      (response) => {
        response.resume();
        response.once('end', () => {
          const retryAfter = response.headers['retry-after'];
          resolve({ status: response.statusCode ?? 0, retryAfter: typeof retryAfter === 'string' ? retryAfter : null });
        });
        response.once('error', reject);
      },
    );
    request.once('error', reject);
    request.end(unsigned);
  });
}

async function trackedCallers(): Promise<number | undefined> {
  const text = await (await fetch(`${stack.apiUrl}/metrics`)).text();
  const line = /^fareflow_rejected_callers_tracked (\d+)$/m.exec(text);
  return line ? Number(line[1]) : undefined;
}

// 2,000 past the bound, within one window: the store must drop callers to stay at the bound.
const ADDRESSES = MAX_TRACKED_CALLERS + 2_000;

it(`keeps at most MAX_TRACKED_CALLERS addresses under a flood of failures from ${ADDRESSES.toLocaleString('en')} addresses, and still limits`, async () => {
  const addresses = ADDRESSES;
  const statuses = new Map<number, number>();
  let mostTracked = 0;
  for (let i = 0; i < addresses; i += 200) {
    const answers = await Promise.all(Array.from({ length: Math.min(200, addresses - i) }, (_, j) => badSignature(address(i + j))));
    for (const { status } of answers) statuses.set(status, (statuses.get(status) ?? 0) + 1);
    if (i % 2_000 === 0) mostTracked = Math.max(mostTracked, (await trackedCallers()) ?? Infinity);
  }
  // One failure per address: every one is counted and answered 401, none is over the limit.
  expect(Object.fromEntries(statuses)).toEqual({ 401: addresses });
  const tracked = await trackedCallers();
  expect(tracked).toBeDefined();
  expect(Math.max(mostTracked, tracked!)).toBeLessThanOrEqual(MAX_TRACKED_CALLERS);
  expect(tracked).toBe(MAX_TRACKED_CALLERS);

  // The limiter still works for an address past the flood: LIMIT failures, then 429 with Retry-After.
  const prober = '192.0.2.77';
  const probes = [];
  for (let i = 0; i <= LIMIT; i++) probes.push(await badSignature(prober));
  expect(probes.map(({ status }) => status)).toEqual([...Array(LIMIT).fill(401), 429]);
  expect(Number(probes[LIMIT].retryAfter)).toBeGreaterThan(0);
  expect(await trackedCallers()).toBe(MAX_TRACKED_CALLERS);

  // A validly signed request from that address is neither stopped nor counted.
  const body = JSON.stringify({
    apiVersion: 'caph.2025-08-23',
    event: { id: 'evt-valid-after-flood', name: 'payout.completed', timestamp: '2026-11-24T10:00:00Z' },
    object: { id: 'po-1', type: 'payout' },
    data: {},
  });
  const valid = await fetch(`${stack.apiUrl}/webhooks/monime`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-forwarded-for': prober,
      'monime-signature': signMonimeWebhook(stack.config.monime.webhookSecrets[0], body, Math.floor(Date.now() / 1000)),
    },
    body,
  });
  expect(valid.status).toBe(200);
  expect(await valid.json()).toEqual({ status: 'ignored' });
  expect((await badSignature(prober)).status).toBe(429);
}, 180_000);
