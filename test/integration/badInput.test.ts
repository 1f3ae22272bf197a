/**
 * Issue 6: at least 2,000 generated malformed requests (fixed seed). Every answer is 4xx,
 * never 5xx, the API stays up, and not one workflow is started.
 */
import fc from 'fast-check';
import { signMonimeWebhook } from '../../monime/signature';
import { startStack, type Stack } from '../support/harness';

let stack: Stack;
beforeAll(async () => {
  // A low limit, so that part of the flood meets the 429 path and its configuration is proven.
  stack = await startStack({ env: { REJECTED_REQUESTS_PER_MINUTE: '300' } });
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
  const copy = structuredClone(validEnvelope) as Record<string, any>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key];
  node[path[path.length - 1]] = value;
  return copy;
}

const badRequests: fc.Arbitrary<BadRequest> = fc.oneof(
  // Random bytes, signed or not.
  fc.tuple(fc.uint8Array({ maxLength: 2_000 }), fc.boolean()).map(([bytes, sign]) => {
    const body = Buffer.from(bytes);
    return { kind: 'random bytes', method: 'POST', path: '/webhooks/monime', headers: { ...json, ...(sign ? { 'monime-signature': signed(body) } : {}) }, body };
  }),
  // Truncated JSON, validly signed: the signature is right, the JSON is not.
  fc.integer({ min: 1, max: 200 }).map((cut) => {
    const body = JSON.stringify(validEnvelope).slice(0, cut);
    return { kind: 'truncated json', method: 'POST', path: '/webhooks/monime', headers: { ...json, 'monime-signature': signed(body) }, body };
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
  // Every field of the envelope with a wrong type or value, validly signed.
  fc.tuple(fc.constantFrom(...fieldPaths), wrongValue).map(([path, value]) => {
    const body = JSON.stringify(withField(path, value));
    return { kind: `wrong ${path.join('.')}`, method: 'POST', path: '/webhooks/monime', headers: { ...json, 'monime-signature': signed(body) }, body };
  }),
  // Unicode where ASCII is expected.
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }).map((text) => {
    const body = JSON.stringify(withField(['data', 'processedPaymentData', 'amount', 'currency'], text + 'é'));
    return { kind: 'unicode', method: 'POST', path: '/webhooks/monime', headers: { ...json, 'monime-signature': signed(body) }, body };
  }),
  // Missing, wrong or extra headers.
  fc.constantFrom('none', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data').map((type) => {
    const body = JSON.stringify(validEnvelope);
    return { kind: `content-type ${type}`, method: 'POST', path: '/webhooks/monime', headers: { ...(type === 'none' ? {} : { 'content-type': type }), 'monime-signature': signed(body) }, body };
  }),
  fc.string({ maxLength: 200 }).map((header) => {
    const body = JSON.stringify(validEnvelope);
    return { kind: 'garbage signature', method: 'POST', path: '/webhooks/monime', headers: { ...json, 'monime-signature': header.replace(/[^\x20-\x7e]/g, '') || 'x', 'x-extra': 'extra' }, body };
  }),
  // Replayed signatures: stale, from the future, for another body, with another secret.
  fc.integer({ min: 301, max: 100_000 }).map((skew) => {
    const body = JSON.stringify(validEnvelope);
    return { kind: 'stale signature', method: 'POST', path: '/webhooks/monime', headers: { ...json, 'monime-signature': signed(body, now() - skew) }, body };
  }),
  // Margin beyond the 300 s window: requests are generated up front and sent over a few seconds.
  fc.integer({ min: 400, max: 100_000 }).map((skew) => {
    const body = JSON.stringify(validEnvelope);
    return { kind: 'future signature', method: 'POST', path: '/webhooks/monime', headers: { ...json, 'monime-signature': signed(body, now() + skew) }, body };
  }),
  fc.string({ minLength: 1, maxLength: 30 }).map((suffix) => {
    const other = JSON.stringify({ ...validEnvelope, apiVersion: suffix });
    const body = JSON.stringify(validEnvelope);
    return { kind: 'signature of another body', method: 'POST', path: '/webhooks/monime', headers: { ...json, 'monime-signature': signed(other) }, body };
  }),
  fc.string({ minLength: 1, maxLength: 30 }).map((wrongSecret) => {
    const body = JSON.stringify(validEnvelope);
    return { kind: 'another secret', method: 'POST', path: '/webhooks/monime', headers: { ...json, 'monime-signature': signMonimeWebhook(`x${wrongSecret}`, body, now()) }, body };
  }),
  // Wrong methods on the webhook, and the API without or with a wrong token.
  fc.constantFrom('GET', 'PUT', 'DELETE', 'PATCH').map((method) => ({ kind: `method ${method}`, method, path: '/webhooks/monime', headers: json, body: method === 'GET' ? undefined : '{}' })),
  fc.tuple(fc.constantFrom('/api/tickets', '/api/companies', '/api/transactions/pay-1'), fc.string({ maxLength: 40 })).map(([path, token]) => ({
    kind: 'bad token',
    method: path === '/api/transactions/pay-1' ? 'GET' : 'POST',
    path,
    headers: { ...json, authorization: `Bearer x${token.replace(/[^\x20-\x7e]/g, '')}` },
    body: path === '/api/transactions/pay-1' ? undefined : '{}',
  })),
);

async function send(request: BadRequest): Promise<number> {
  const response = await fetch(`${stack.apiUrl}${request.path}`, { method: request.method, headers: request.headers, body: request.body });
  const text = await response.text();
  if (response.status < 400 && process.env.DEBUG_BAD_INPUT) process.stderr.write(`${request.kind} ${JSON.stringify(request.headers)} ${text}\n`);
  return response.status;
}

async function workflowsOnThisQueue(): Promise<number> {
  const { count } = await stack.client.workflow.count(`TaskQueue = "${stack.config.temporal.taskQueue}"`);
  return count;
}

it('answers 2,000+ malformed requests with 4xx only, and starts no workflow', async () => {
  const before = await workflowsOnThisQueue();
  const requests = fc.sample(badRequests, { numRuns: 2_100, seed: 20261124 });
  const byStatus = new Map<number, number>();
  const fiveHundreds: string[] = [];
  for (let i = 0; i < requests.length; i += 25) {
    const statuses = await Promise.all(requests.slice(i, i + 25).map(send));
    statuses.forEach((status, j) => {
      byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
      if (status < 400 || status >= 500) fiveHundreds.push(`${requests[i + j].kind} → ${status}`);
    });
  }
  expect(fiveHundreds).toEqual([]);
  expect(byStatus.get(429)).toBeGreaterThan(0);
  expect((await fetch(`${stack.apiUrl}/healthz`)).status).toBe(200);
  expect(await workflowsOnThisQueue()).toBe(before);
  const { rows } = await stack.db.query('SELECT count(*)::int AS n FROM transactions');
  expect(rows[0].n).toBe(0);
  process.stderr.write(`[bad input] ${requests.length} requests: ${[...byStatus].sort().map(([status, n]) => `${status}×${n}`).join(', ')}\n`);
}, 180_000);
