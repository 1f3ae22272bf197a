/**
 * Issue 3: the simulator's faults are set at run time over HTTP (`PUT /_sim/faults`), as a
 * developer or a chaos script drives it, and its ledger answers over HTTP too.
 * Money and audit safety, point 10: with NODE_ENV=production the simulator serves none of
 * `/_sim/*` — those routes mint validly signed webhooks — yet still answers MoniMe's `/v1`.
 */
import { DEV_MONIME_ACCESS_TOKEN, DEV_MONIME_SPACE_ID, DEV_WEBHOOK_SECRET, SIMULATOR_PLATFORM_ACCOUNT_ID } from '../../config';
import { startSimulator, type RunningSimulator } from '../../simulator';
import { startStack } from '../support/harness';

let simulator: RunningSimulator;
beforeAll(async () => {
  simulator = await startSimulator({
    port: 0,
    accessToken: DEV_MONIME_ACCESS_TOKEN,
    spaceId: DEV_MONIME_SPACE_ID,
    platformAccountId: SIMULATOR_PLATFORM_ACCOUNT_ID,
    webhookSecret: DEV_WEBHOOK_SECRET,
    faults: { latencyMs: 5 },
    production: false,
  });
});
afterAll(async () => {
  await simulator?.close();
});

const admin = (path: string, init: RequestInit = {}) =>
  fetch(`${simulator.url}/_sim${path}`, { ...init, headers: { 'content-type': 'application/json' } });
const transfer = (key: string) =>
  fetch(`${simulator.url}/v1/internal-transfers`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${DEV_MONIME_ACCESS_TOKEN}`,
      'monime-space-id': DEV_MONIME_SPACE_ID,
      'monime-version': 'caph.2025-08-23',
      'content-type': 'application/json',
      'idempotency-key': key,
    },
    body: JSON.stringify({
      amount: { currency: 'SLE', value: 1_000 },
      sourceFinancialAccount: { id: SIMULATOR_PLATFORM_ACCOUNT_ID },
      destinationFinancialAccount: { id: 'fac-company-admin-test' },
      metadata: { transactionId: key },
    }),
  });

it('PUT /_sim/faults changes the faults at run time; a wrong setting is a 400 that changes nothing', async () => {
  expect(await (await admin('/faults')).json()).toMatchObject({ latencyMs: 5, rejectTransfers: false });

  const set = await admin('/faults', { method: 'PUT', body: JSON.stringify({ rejectTransfers: true, scope: 'transfers' }) });
  expect(set.status).toBe(200);
  expect(await set.json()).toMatchObject({ rejectTransfers: true, scope: 'transfers', latencyMs: 5 });
  const refused = await transfer('admin-test-1');
  expect(refused.status).toBe(422);

  for (const body of ['{"rejectTransfer":false}', '{"errorRates":{"500":2}}', '{"hangMs":"soon"}', '[1]']) {
    const wrong = await admin('/faults', { method: 'PUT', body });
    expect(wrong.status).toBe(400);
    expect(((await wrong.json()) as { error: string }).error).toMatch(/\S/);
  }
  expect(await (await admin('/faults')).json()).toMatchObject({ rejectTransfers: true });

  expect(await (await admin('/faults/reset', { method: 'POST' })).json()).toMatchObject({ rejectTransfers: false, latencyMs: 0 });
  expect((await transfer('admin-test-2')).status).toBe(201);
  expect((await transfer('admin-test-2')).status).toBe(201);

  const ledger = (await (await admin('/ledger')).json()) as {
    distinctTransfers: number;
    postsByIdempotencyKey: Record<string, number>;
    balances: Record<string, number>;
  };
  expect(ledger.distinctTransfers).toBe(1);
  expect(ledger.postsByIdempotencyKey).toMatchObject({ 'admin-test-2': 2 });
  expect(ledger.balances['fac-company-admin-test']).toBe(1_000);
});

/** Every `/_sim/*` route, with the method it is served on; `codeId` a payment code the simulator knows. */
const adminRoutes = (codeId: string): Array<[string, string]> => [
  ['GET', '/_sim/faults'],
  ['PUT', '/_sim/faults'],
  ['POST', '/_sim/faults/reset'],
  ['GET', '/_sim/ledger'],
  ['GET', `/_sim/payment-codes/${codeId}`],
  ['POST', `/_sim/payment-codes/${codeId}/pay`],
  ['POST', `/_sim/payment-codes/${codeId}/expire`],
  ['POST', '/_sim/internal-transfers/trn-any/settle'],
];

async function adminStatuses(baseUrl: string, codeId: string): Promise<Record<string, number>> {
  const statuses: Record<string, number> = {};
  for (const [method, path] of adminRoutes(codeId)) {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: method === 'GET' ? undefined : '{}',
    });
    await response.arrayBuffer();
    statuses[`${method} ${path}`] = response.status;
  }
  return statuses;
}

const allNotFound = (codeId: string) => Object.fromEntries(adminRoutes(codeId).map(([method, path]) => [`${method} ${path}`, 404]));

async function createPaymentCode(baseUrl: string, credentials: { accessToken: string; spaceId: string }, key: string): Promise<Response> {
  return fetch(`${baseUrl}/v1/payment-codes`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${credentials.accessToken}`,
      'monime-space-id': credentials.spaceId,
      'monime-version': 'caph.2025-08-23',
      'content-type': 'application/json',
      'idempotency-key': key,
    },
    body: JSON.stringify({
      name: 'Freetown to Bo',
      mode: 'one_time',
      enable: true,
      amount: { currency: 'SLE', value: 15_000 },
      duration: '30m',
    }),
  });
}

it("a simulator started for production serves no /_sim/* route, and still answers MoniMe's /v1 calls", async () => {
  const production = await startSimulator({
    port: 0,
    accessToken: 'mon_live_4c1f9e2a7b',
    spaceId: 'spc-7Qk2ZpW9',
    platformAccountId: 'fac-live-collection-01',
    webhookSecret: 'whsec_live_9f8e7d6c5b4a',
    production: true,
  });
  try {
    const created = await createPaymentCode(
      production.url,
      { accessToken: 'mon_live_4c1f9e2a7b', spaceId: 'spc-7Qk2ZpW9' },
      'admin-test-production-1',
    );
    expect(created.status).toBe(201);
    const codeId = ((await created.json()) as { result: { id: string } }).result.id;
    expect(codeId).toMatch(/^pmc-/);
    expect(await adminStatuses(production.url, codeId)).toEqual(allNotFound(codeId));
  } finally {
    await production.close();
  }
  // Outside production the admin routes are there (the test file's own simulator).
  const devCode = await createPaymentCode(
    simulator.url,
    { accessToken: DEV_MONIME_ACCESS_TOKEN, spaceId: DEV_MONIME_SPACE_ID },
    'admin-test-dev-1',
  );
  const devCodeId = ((await devCode.json()) as { result: { id: string } }).result.id;
  expect(await adminStatuses(simulator.url, devCodeId)).toMatchObject({
    'GET /_sim/ledger': 200,
    [`POST /_sim/payment-codes/${devCodeId}/pay`]: 200,
  });
});

it('the assembled stack with NODE_ENV=production and no MONIME_BASE_URL runs the simulator without /_sim/*', async () => {
  const credentials = { accessToken: 'mon_live_8d2c6b1e0f', spaceId: 'spc-Hx4Lm2Rt' };
  const stack = await startStack({
    startWorkers: false,
    env: {
      NODE_ENV: 'production',
      MONIME_WEBHOOK_SECRET: 'whsec_live_1a2b3c4d5e6f7a8b9c0d',
      API_TOKEN: 'ff_live_api_5e7c9a1b3d',
      MONIME_ACCESS_TOKEN: credentials.accessToken,
      MONIME_SPACE_ID: credentials.spaceId,
      PLATFORM_FINANCIAL_ACCOUNT_ID: 'fac-live-collection-02',
    },
  });
  try {
    expect(stack.config.nodeEnv).toBe('production');
    // A reservation through the API still gets its payment code from the simulator's /v1…
    const reservation = await stack.createCompanyRouteAndTicket();
    expect(reservation.paymentCodeId).toMatch(/^pmc-/);
    expect((await createPaymentCode(stack.simulator.url, credentials, 'admin-test-production-2')).status).toBe(201);
    // …but nothing can have it pay that code (a signed webhook) or read its ledger.
    expect(await adminStatuses(stack.simulator.url, reservation.paymentCodeId)).toEqual(allNotFound(reservation.paymentCodeId));
  } finally {
    await stack.stop();
  }
});
