/**
 * Issue 6: at least 2,000 generated malformed requests (fixed seed). Every answer is 4xx,
 * never 5xx, the API stays up, and not one workflow is started. Then: each kind of bad
 * input is told what is wrong, and the limit on rejected callers counts the right address.
 */
import { randomInt } from 'node:crypto';
import fc from 'fast-check';
import { createApiApp } from '../../api/app';
import { startApiServer } from '../../api/server';
import { loadConfig } from '../../config';
import { workflowTypes } from '../../contract';
import { signMonimeWebhook } from '../../monime/signature';
import { createLogger } from '../../observability/logger';
import { createApiMetrics } from '../../observability/metrics';
import { startStack, type Stack } from '../support/harness';

let stack: Stack;
beforeAll(async () => {
  // A low limit, so that part of the flood meets the 429 path and its configuration is proven.
  // A short stall timeout, so that the stall sweeper runs during the flood as it does in a long CI run.
  stack = await startStack({ env: { REJECTED_REQUESTS_PER_MINUTE: '300', STALL_TIMEOUT_SECONDS: '4' } });
});
afterAll(async () => {
  await stack?.stop();
});

interface BadRequest {
  kind: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer | string | undefined;
}

const now = () => Math.floor(Date.now() / 1000);
const secret = () => stack.config.monime.webhookSecrets[0];
const signed = (body: string | Buffer, t = now()) => signMonimeWebhook(secret(), body, t);
const json = { 'content-type': 'application/json' };

const validEnvelope = {
  apiVersion: 'caph.2025-08-23',
  event: { id: 'evt-fuzz', name: 'payment_code.completed', timestamp: '2026-11-24T10:00:00Z' },
  object: { id: 'pmc-fuzz', type: 'payment_code' },
  data: { id: 'pmc-fuzz', processedPaymentData: { paymentId: 'pay-fuzz', amount: { currency: 'SLE', value: 100 } } },
};

const deepNesting = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

/** Values the contract's schema allows at none of the fields below (ids are at most 200 characters). */
const wrongValue = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.double(),
  fc.integer({ min: -1_000_000, max: -1 }),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.constant({}),
  fc.string({ minLength: 300, maxLength: 400 }).map((s) => s.repeat(3)),
);

const fieldPaths: Array<string[]> = [
  ['apiVersion'],
  ['event'],
  ['event', 'id'],
  ['event', 'timestamp'],
  ['object'],
  ['data', 'id'],
  ['data', 'processedPaymentData'],
  ['data', 'processedPaymentData', 'paymentId'],
  ['data', 'processedPaymentData', 'amount', 'currency'],
  ['data', 'processedPaymentData', 'amount', 'value'],
];

function withField(path: string[], value: unknown): unknown {
  type Node = { [key: string]: Node | unknown };
  const copy = structuredClone(validEnvelope) as Node;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Node;
  node[path[path.length - 1]] = value;
  return copy;
}

const badRequests: fc.Arbitrary<BadRequest> = fc.oneof(
  // Random bytes, signed or not.
  fc.tuple(fc.uint8Array({ maxLength: 2_000 }), fc.boolean()).map(([bytes, sign]) => {
    const body = Buffer.from(bytes);
    return {
      kind: 'random bytes',
      method: 'POST',
      path: '/webhooks/monime',
      headers: { ...json, ...(sign ? { 'monime-signature': signed(body) } : {}) },
      body,
    };
  }),
  // Truncated JSON, validly signed: the signature is right, the JSON is not.
  fc.integer({ min: 1, max: 200 }).map((cut) => {
    const body = JSON.stringify(validEnvelope).slice(0, cut);
    return {
      kind: 'truncated json',
      method: 'POST',
      path: '/webhooks/monime',
      headers: { ...json, 'monime-signature': signed(body) },
      body,
    };
  }),
  // Deep nesting and huge strings.
  fc.integer({ min: 100, max: 20_000 }).map((depth) => {
    const body = deepNesting(depth);
    return { kind: 'deep nesting', method: 'POST', path: '/webhooks/monime', headers: { ...json, 'monime-signature': signed(body) }, body };
  }),
  fc.integer({ min: 256 * 1024 + 1, max: 400 * 1024 }).map((size) => {
    const body = JSON.stringify({ ...validEnvelope, apiVersion: 'x'.repeat(size) });
    return { kind: 'huge body', method: 'POST', path: '/webhooks/monime', headers: { ...json, 'monime-signature': signed(body) }, body };
  }),
  // A huge string inside the size limit, in any field.
  fc.tuple(fc.constantFrom(...fieldPaths), fc.integer({ min: 10_000, max: 250 * 1024 })).map(([path, size]) => {
    const body = JSON.stringify(withField(path, 'é'.repeat(size / 2)));
    return {
      kind: `huge string at ${path.join('.')}`,
      method: 'POST',
      path: '/webhooks/monime',
      headers: { ...json, 'monime-signature': signed(body) },
      body,
    };
  }),
  // Every field of the envelope with a wrong type or value, validly signed.
  fc.tuple(fc.constantFrom(...fieldPaths), wrongValue).map(([path, value]) => {
    const body = JSON.stringify(withField(path, value));
    return {
      kind: `wrong ${path.join('.')}`,
      method: 'POST',
      path: '/webhooks/monime',
      headers: { ...json, 'monime-signature': signed(body) },
      body,
    };
  }),
  // Unicode where ASCII is expected.
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }).map((text) => {
    const body = JSON.stringify(withField(['data', 'processedPaymentData', 'amount', 'currency'], text + 'é'));
    return { kind: 'unicode', method: 'POST', path: '/webhooks/monime', headers: { ...json, 'monime-signature': signed(body) }, body };
  }),
  // Missing, wrong or extra headers.
  fc.constantFrom('none', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data').map((type) => {
    const body = JSON.stringify(validEnvelope);
    return {
      kind: `content-type ${type}`,
      method: 'POST',
      path: '/webhooks/monime',
      headers: { ...(type === 'none' ? {} : { 'content-type': type }), 'monime-signature': signed(body) },
      body,
    };
  }),
  fc.string({ maxLength: 200 }).map((header) => {
    const body = JSON.stringify(validEnvelope);
    return {
      kind: 'garbage signature',
      method: 'POST',
      path: '/webhooks/monime',
      headers: { ...json, 'monime-signature': header.replace(/[^\x20-\x7e]/g, '') || 'x', 'x-extra': 'extra' },
      body,
    };
  }),
  // Replayed signatures: stale, from the future, for another body, with another secret.
  fc.integer({ min: 301, max: 100_000 }).map((skew) => {
    const body = JSON.stringify(validEnvelope);
    return {
      kind: 'stale signature',
      method: 'POST',
      path: '/webhooks/monime',
      headers: { ...json, 'monime-signature': signed(body, now() - skew) },
      body,
    };
  }),
  // Margin beyond the 300 s window: requests are generated up front and sent over a few seconds.
  fc.integer({ min: 400, max: 100_000 }).map((skew) => {
    const body = JSON.stringify(validEnvelope);
    return {
      kind: 'future signature',
      method: 'POST',
      path: '/webhooks/monime',
      headers: { ...json, 'monime-signature': signed(body, now() + skew) },
      body,
    };
  }),
  fc.string({ minLength: 1, maxLength: 30 }).map((suffix) => {
    const other = JSON.stringify({ ...validEnvelope, apiVersion: suffix });
    const body = JSON.stringify(validEnvelope);
    return {
      kind: 'signature of another body',
      method: 'POST',
      path: '/webhooks/monime',
      headers: { ...json, 'monime-signature': signed(other) },
      body,
    };
  }),
  fc.string({ minLength: 1, maxLength: 30 }).map((wrongSecret) => {
    const body = JSON.stringify(validEnvelope);
    return {
      kind: 'another secret',
      method: 'POST',
      path: '/webhooks/monime',
      headers: { ...json, 'monime-signature': signMonimeWebhook(`x${wrongSecret}`, body, now()) },
      body,
    };
  }),
  // Wrong methods on the webhook, and the API without or with a wrong token.
  fc.constantFrom('GET', 'PUT', 'DELETE', 'PATCH').map((method) => ({
    kind: `method ${method}`,
    method,
    path: '/webhooks/monime',
    headers: json,
    body: method === 'GET' ? undefined : '{}',
  })),
  fc
    .tuple(fc.constantFrom('/api/tickets', '/api/companies', '/api/transactions/pay-1'), fc.string({ maxLength: 40 }))
    .map(([path, token]) => ({
      kind: 'bad token',
      method: path === '/api/transactions/pay-1' ? 'GET' : 'POST',
      path,
      headers: { ...json, authorization: `Bearer x${token.replace(/[^\x20-\x7e]/g, '')}` },
      body: path === '/api/transactions/pay-1' ? undefined : '{}',
    })),
);

async function send(request: BadRequest): Promise<{ status: number; retryAfter: string | null }> {
  const response = await fetch(`${stack.apiUrl}${request.path}`, { method: request.method, headers: request.headers, body: request.body });
  const text = await response.text();
  if (response.status < 400 && process.env.DEBUG_BAD_INPUT)
    process.stderr.write(`${request.kind} ${JSON.stringify(request.headers)} ${text}\n`);
  return { status: response.status, retryAfter: response.headers.get('retry-after') };
}

/**
 * Workflows a request could have started on this stack's queue. The stall sweeper's Schedule
 * starts its own runs there on a clock (every second here), whatever the requests do.
 */
async function workflowsOnThisQueue(): Promise<number> {
  const { count } = await stack.client.workflow.count(
    `TaskQueue = "${stack.config.temporal.taskQueue}" AND WorkflowType != "${workflowTypes.sweepStalledTransactions}"`,
  );
  return count;
}

it('answers 2,000+ malformed requests with 4xx only, and starts no workflow', async () => {
  const before = await workflowsOnThisQueue();
  const requests = fc.sample(badRequests, { numRuns: 2_100, seed: 20261124 });
  const byStatus = new Map<number, number>();
  const fiveHundreds: string[] = [];
  const throttledWithoutRetryAfter: string[] = [];
  for (let i = 0; i < requests.length; i += 25) {
    const answers = await Promise.all(requests.slice(i, i + 25).map(send));
    answers.forEach(({ status, retryAfter }, j) => {
      byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
      if (status < 400 || status >= 500) fiveHundreds.push(`${requests[i + j].kind} → ${status}`);
      if (status === 429 && !(Number(retryAfter) > 0)) throttledWithoutRetryAfter.push(requests[i + j].kind);
    });
  }
  expect(fiveHundreds).toEqual([]);
  expect(byStatus.get(429)).toBeGreaterThan(0);
  expect(throttledWithoutRetryAfter).toEqual([]);
  // This address is over its limit, yet validly signed MoniMe traffic from it is not throttled.
  const otherEvent = JSON.stringify({
    ...validEnvelope,
    event: { ...validEnvelope.event, id: 'evt-valid-after-flood', name: 'payout.completed' },
  });
  const valid = await fetch(`${stack.apiUrl}/webhooks/monime`, {
    method: 'POST',
    headers: { ...json, 'monime-signature': signed(otherEvent) },
    body: otherEvent,
  });
  expect(valid.status).toBe(200);
  expect(await valid.json()).toEqual({ status: 'ignored' });
  expect((await fetch(`${stack.apiUrl}/healthz`)).status).toBe(200);
  expect(await workflowsOnThisQueue()).toBe(before);
  const { rows } = await stack.db.query('SELECT count(*)::int AS n FROM transactions');
  expect(rows[0].n).toBe(0);
  process.stderr.write(
    `[bad input] ${requests.length} requests: ${[...byStatus]
      .sort()
      .map(([status, n]) => `${status}×${n}`)
      .join(', ')}\n`,
  );
}, 180_000);

it('names what is wrong: the limit, the content type, the JSON, the failing field of envelope or data', async () => {
  const before = await workflowsOnThisQueue();
  const post = async (body: string, contentType = 'application/json') => {
    const response = await fetch(`${stack.apiUrl}/webhooks/monime`, {
      method: 'POST',
      headers: { 'content-type': contentType, 'monime-signature': signed(body) },
      body,
    });
    return { status: response.status, error: ((await response.json()) as { error: string }).error };
  };
  const event = (name: string, data: unknown) => JSON.stringify({ ...validEnvelope, event: { ...validEnvelope.event, name }, data });

  expect(await post(JSON.stringify({ ...validEnvelope, apiVersion: 'x'.repeat(256 * 1024) }))).toEqual({
    status: 413,
    error: 'body larger than 262144 bytes',
  });
  expect(await post(JSON.stringify(validEnvelope), 'text/plain')).toEqual({ status: 415, error: 'Content-Type must be application/json' });
  expect(await post('{"apiVersion":')).toEqual({ status: 400, error: 'body is not valid JSON' });
  const { timestamp: _dropped, ...eventWithoutTimestamp } = validEnvelope.event;
  expect(await post(JSON.stringify({ ...validEnvelope, event: eventWithoutTimestamp }))).toMatchObject({
    status: 400,
    error: expect.stringMatching(/^event\.timestamp: /),
  });
  expect(
    await post(
      event('payment_code.completed', {
        id: 'pmc-1',
        processedPaymentData: { paymentId: 'pay-1', amount: { currency: 'SLE', value: '100' } },
      }),
    ),
  ).toMatchObject({
    status: 400,
    error: expect.stringMatching(/^data\.processedPaymentData\.amount\.value: /),
  });
  expect(await post(event('payment_code.expired', { status: 'expired' }))).toMatchObject({
    status: 400,
    error: expect.stringMatching(/^data\.id: /),
  });
  expect(
    await post(event('internal_transfer.completed', { id: 'trn-1', status: 'done', metadata: { transactionId: 'pay-1' } })),
  ).toMatchObject({
    status: 400,
    error: expect.stringMatching(/^data\.status: /),
  });
  expect(await workflowsOnThisQueue()).toBe(before);
});

it('behind a load balancer, API instances share one count of rejections per caller address (REDIS_URL, TRUST_PROXY)', async () => {
  const config = loadConfig({ ...stack.env, REDIS_URL: 'redis://127.0.0.1:6379', TRUST_PROXY: 'true', REJECTED_REQUESTS_PER_MINUTE: '3' });
  const instances = await Promise.all(
    [1, 2].map(async () => {
      const app = createApiApp({
        config,
        db: stack.db,
        temporal: stack.client,
        monime: stack.fareflow.monime,
        logger: createLogger('silent'),
        metrics: createApiMetrics(),
        readiness: { temporal: async () => true, postgres: async () => true },
      });
      return { app, api: await startApiServer(app, 0) };
    }),
  );
  try {
    // A caller address of this run only, so that counts left in Redis by other runs do not matter.
    const caller = `10.${randomInt(256)}.${randomInt(256)}.${randomInt(256)}`;
    // The balancer appends the address it saw; what a caller put before it is the caller's to forge.
    const probe = async (instance: number, forwardedFor: string, token = 'wrong') => {
      const response = await fetch(`${instances[instance].api.url}/api/tickets/tkt-none`, {
        headers: { authorization: `Bearer ${token}`, 'x-forwarded-for': forwardedFor },
      });
      return { status: response.status, retryAfter: response.headers.get('retry-after') };
    };
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await probe(i % 2, `203.0.113.${i}, ${caller}`)).status);
    expect(statuses).toEqual([401, 401, 401, 429]);
    const limited = await probe(0, caller);
    expect(limited.status).toBe(429);
    expect(Number(limited.retryAfter)).toBeGreaterThan(0);
    // Another caller behind the same balancer is not affected, nor is the right token from the limited one.
    expect((await probe(1, `172.16.${randomInt(256)}.${randomInt(256)}`)).status).toBe(401);
    expect((await probe(1, caller, stack.config.apiToken)).status).toBe(404);
  } finally {
    for (const { app, api } of instances) {
      await api.close();
      await app.limiter.close();
    }
  }
});
