/**
 * Records releaseReservation as a reservation's deadline (patch `reservation-deadline`): the
 * deadline passing with no webhook, finding the ticket paid, releasing a half-made reservation
 * (its code never attached), a webhook naming another code (the deadline still holds, by
 * timer), and the expiry webhook's signal-with-start dispatching the delayed workflow at once.
 * The release by code (releaseReservation-released.json) was recorded before deadlines existed.
 * Run: npx jest --testMatch '**\/test/replay/record-reservation-histories.ts'
 */
import { writeHistoryFixture } from './writeFixture';
import { workflowIdForReservation } from '../../contract';
import { startStack, type Stack } from '../support/harness';
import { postWebhook, reserveTicket } from '../support/scenario';
import { waitFor } from '../support/waitFor';

const PRICE_THAT_CANNOT_ATTACH = 4_242;
let short: Stack;
let usual: Stack;

beforeAll(async () => {
  [short, usual] = await Promise.all([
    startStack({ env: { AUDIT_FLUSH_MS: '100', AUDIT_SHARDS: '1', RESERVATION_CODE_SECONDS: '2', RESERVATION_GRACE_SECONDS: '1' } }),
    startStack({ env: { AUDIT_FLUSH_MS: '100', AUDIT_SHARDS: '1' } }),
  ]);
});
afterAll(async () => {
  await Promise.all([short?.stop(), usual?.stop()]);
});

async function save(on: Stack, name: string, ticketId: string, outcome: string) {
  const workflowId = workflowIdForReservation(ticketId);
  const result = (await on.client.workflow.getHandle(workflowId).result()) as { outcome: string };
  expect(result.outcome).toBe(outcome);
  writeHistoryFixture(name, workflowId);
}

async function transactionCompleted(on: Stack, paymentId: string) {
  await waitFor(
    async () => {
      const response = await on.api(`/api/transactions/${paymentId}`);
      return response.status === 200 && ((await response.json()) as { status: string }).status === 'completed' ? true : undefined;
    },
    { timeoutMs: 30_000, what: `${paymentId} completed` },
  );
}

it('records the reservation deadline paths', async () => {
  const unpaid = await reserveTicket(short, { commissionBps: 250, priceMinor: 10_000 });
  await save(short, 'releaseReservation-deadline-released', unpaid.ticketId, 'released');

  const paid = await reserveTicket(short, { commissionBps: 250, priceMinor: 10_000 });
  await transactionCompleted(short, (await short.simulator.pay(paid.paymentCodeId)).paymentId);
  await save(short, 'releaseReservation-deadline-already-paid', paid.ticketId, 'already_paid');

  await short.db.query(`
    CREATE FUNCTION refuse_attach() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'attach refused by the recorder'; END $$;
    CREATE TRIGGER refuse_attach BEFORE INSERT ON payment_codes
      FOR EACH ROW WHEN (NEW.amount_minor = ${PRICE_THAT_CANNOT_ATTACH}) EXECUTE FUNCTION refuse_attach();`);
  const template = await reserveTicket(short, { commissionBps: 0, priceMinor: 1_000 });
  const route = (await (
    await short.api(`/api/companies/${template.companyId}/routes`, {
      method: 'POST',
      body: JSON.stringify({ origin: 'Freetown', destination: 'Kenema', priceMinor: PRICE_THAT_CANNOT_ATTACH, currency: 'SLE' }),
    })
  ).json()) as { id: string };
  const halfMade = await short.api('/api/tickets', {
    method: 'POST',
    body: JSON.stringify({ routeId: route.id, passengerName: 'Fatmata Sesay', passengerPhone: '+23276000111' }),
  });
  expect(halfMade.status).toBe(500);
  const { rows } = await short.db.query<{ id: string }>('SELECT id FROM tickets WHERE route_id = $1', [route.id]);
  await save(short, 'releaseReservation-deadline-half-made', rows[0].id, 'released');

  const misnamed = await reserveTicket(short, { commissionBps: 250, priceMinor: 10_000 });
  const foreign = JSON.stringify({
    apiVersion: 'caph.2025-08-23',
    event: { id: `evt-foreign-${misnamed.ticketId}`, name: 'payment_code.expired', timestamp: new Date().toISOString() },
    object: { id: 'pmc-not-this-tickets', type: 'payment_code' },
    data: { id: 'pmc-not-this-tickets', status: 'expired', reference: misnamed.ticketId },
  });
  expect((await postWebhook(short, foreign)).status).toBe(200);
  await save(short, 'releaseReservation-deadline-other-code', misnamed.ticketId, 'released');

  const expiring = await reserveTicket(usual, { commissionBps: 250, priceMinor: 10_000 });
  expect((await usual.simulator.expire(expiring.paymentCodeId)).body).toMatchObject({ status: 'accepted' });
  await save(usual, 'releaseReservation-webhook-released', expiring.ticketId, 'released');
});
