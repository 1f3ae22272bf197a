/**
 * Issue 3: the simulator's faults are set at run time over HTTP (`PUT /_sim/faults`), as a
 * developer or a chaos script drives it, and its ledger answers over HTTP too.
 */
import { DEV_MONIME_ACCESS_TOKEN, DEV_MONIME_SPACE_ID, DEV_WEBHOOK_SECRET, SIMULATOR_PLATFORM_ACCOUNT_ID } from '../../config';
import { startSimulator, type RunningSimulator } from '../../simulator';

let simulator: RunningSimulator;
beforeAll(async () => {
  simulator = await startSimulator({ port: 0, accessToken: DEV_MONIME_ACCESS_TOKEN, spaceId: DEV_MONIME_SPACE_ID, platformAccountId: SIMULATOR_PLATFORM_ACCOUNT_ID, webhookSecret: DEV_WEBHOOK_SECRET, faults: { latencyMs: 5 } });
});
afterAll(async () => {
  await simulator?.close();
});

const admin = (path: string, init: RequestInit = {}) => fetch(`${simulator.url}/_sim${path}`, { ...init, headers: { 'content-type': 'application/json' } });
const transfer = (key: string) =>
  fetch(`${simulator.url}/v1/internal-transfers`, {
    method: 'POST',
    headers: { authorization: `Bearer ${DEV_MONIME_ACCESS_TOKEN}`, 'monime-space-id': DEV_MONIME_SPACE_ID, 'monime-version': 'caph.2025-08-23', 'content-type': 'application/json', 'idempotency-key': key },
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

  const ledger = (await (await admin('/ledger')).json()) as { distinctTransfers: number; postsByIdempotencyKey: Record<string, number>; balances: Record<string, number> };
  expect(ledger.distinctTransfers).toBe(1);
  expect(ledger.postsByIdempotencyKey).toMatchObject({ 'admin-test-2': 2 });
  expect(ledger.balances['fac-company-admin-test']).toBe(1_000);
});
