/**
 * Issue "Money and audit safety, second pass", points 6 and 7: every reservation has a durable
 * deadline (the code's expireTime + RESERVATION_GRACE_SECONDS, contract §1, §3), kept by
 * Temporal whether or not MoniMe's payment_code.expired webhook ever arrives, and whether or
 * not the code could even be attached to the ticket. A paid ticket is never released.
 */
import { paymentCodeExpiredSignal, workflowIdForReservation, type ReleaseReservationResult } from '../../contract';
import { startStack, type Stack } from '../support/harness';
import { postWebhook, reserveTicket, type Reservation } from '../support/scenario';
import { waitFor } from '../support/waitFor';

/** Codes live 2 s and the grace is 1 s: a deadline a test can wait for. */
let short: Stack;
/** The contract's defaults (30 min + 120 s): only the webhook can release within a test. */
let usual: Stack;

beforeAll(async () => {
  [short, usual] = await Promise.all([
    startStack({ env: { AUDIT_FLUSH_MS: '200', RESERVATION_CODE_SECONDS: '2', RESERVATION_GRACE_SECONDS: '1' } }),
    startStack({ env: { AUDIT_FLUSH_MS: '200' } }),
  ]);
});
afterAll(async () => {
  await Promise.all([short?.stop(), usual?.stop()]);
});

interface TicketView {
  id: string;
  status: string;
  paymentCode: { id: string; expireTime: string; status: string } | null;
  releasedAt: string | null;
}

async function ticket(stack: Stack, ticketId: string): Promise<TicketView> {
  return (await (await stack.api(`/api/tickets/${ticketId}`)).json()) as TicketView;
}

const ticketWithStatus = (stack: Stack, ticketId: string, status: string) =>
  waitFor(
    async () => {
      const view = await ticket(stack, ticketId);
      return view.status === status ? view : undefined;
    },
    { timeoutMs: 30_000, what: `ticket ${ticketId} ${status}` },
  );

async function transactionWithStatus(stack: Stack, paymentId: string, status: string) {
  return waitFor(
    async () => {
      const response = await stack.api(`/api/transactions/${paymentId}`);
      const body = response.status === 200 ? ((await response.json()) as { status: string; attentionReason: string | null }) : undefined;
      return body?.status === status ? body : undefined;
    },
    { timeoutMs: 30_000, what: `transaction ${paymentId} ${status}` },
  );
}

/** The reservation's deadline workflow, and what it ended with. */
async function deadlineResult(stack: Stack, ticketId: string): Promise<ReleaseReservationResult> {
  return stack.client.workflow.getHandle(workflowIdForReservation(ticketId)).result() as Promise<ReleaseReservationResult>;
}

async function codeStatus(stack: Stack, paymentCodeId: string): Promise<string> {
  const { rows } = await stack.db.query<{ status: string }>('SELECT status FROM payment_codes WHERE id = $1', [paymentCodeId]);
  return rows[0]?.status;
}

describe('point 6: a reservation whose payment_code.expired webhook never comes', () => {
  it('is released by its deadline: the ticket turns expired, the code too, and a later payment is parked', async () => {
    // The simulator sends payment_code.expired only when asked to (simulator.expire); nobody asks here.
    const reservation = await reserveTicket(short, { commissionBps: 250, priceMinor: 3_000 });
    const reserved = await ticket(short, reservation.ticketId);
    expect(reserved).toMatchObject({ status: 'reserved', paymentCode: { id: reservation.paymentCodeId, status: 'pending' } });

    const expired = await ticketWithStatus(short, reservation.ticketId, 'expired');
    expect(expired.releasedAt).not.toBeNull();
    expect(expired.paymentCode).toMatchObject({ id: reservation.paymentCodeId, status: 'expired' });
    expect(await codeStatus(short, reservation.paymentCodeId)).toBe('expired');
    expect(await deadlineResult(short, reservation.ticketId)).toMatchObject({
      outcome: 'released',
      ticketId: reservation.ticketId,
      companyId: reservation.companyId,
    });

    // MoniMe took a payment after all (the race the simulator models): an operator case, no ticket.
    const late = await short.simulator.pay(reservation.paymentCodeId);
    expect(late.status).toBe(200);
    const txn = await transactionWithStatus(short, late.paymentId, 'needs_attention');
    expect(txn.attentionReason).toBe('payment_code_expired');
    expect((await ticket(short, reservation.ticketId)).status).toBe('expired');
    expect(short.simulator.ledger.transfersForTransaction(late.paymentId)).toHaveLength(0);
  });

  it('never releases a paid ticket: the deadline finds it paid and leaves it issued', async () => {
    const reservation = await reserveTicket(short, { commissionBps: 250, priceMinor: 4_000 });
    const paid = await short.simulator.pay(reservation.paymentCodeId);
    expect(paid.status).toBe(200);
    await transactionWithStatus(short, paid.paymentId, 'completed');

    expect(await deadlineResult(short, reservation.ticketId)).toMatchObject({ outcome: 'already_paid', ticketId: reservation.ticketId });
    expect(await ticket(short, reservation.ticketId)).toMatchObject({
      status: 'issued',
      releasedAt: null,
      paymentCode: { status: 'completed' },
    });
  });
});

describe("an expiry webhook naming a code that is not the ticket's", () => {
  it('releases nothing early; the deadline still releases the ticket, and both are audited', async () => {
    const reservation = await reserveTicket(short, { commissionBps: 250, priceMinor: 3_500 });
    // Signed like MoniMe's, for a code someone else made with our ticket id as its reference.
    const foreign = JSON.stringify({
      apiVersion: 'caph.2025-08-23',
      event: { id: `evt-foreign-${reservation.ticketId}`, name: 'payment_code.expired', timestamp: new Date().toISOString() },
      object: { id: 'pmc-not-this-tickets', type: 'payment_code' },
      data: { id: 'pmc-not-this-tickets', status: 'expired', reference: reservation.ticketId },
    });
    expect(await postWebhook(short, foreign)).toMatchObject({
      status: 200,
      body: { status: 'accepted', workflowId: workflowIdForReservation(reservation.ticketId) },
    });

    expect(await deadlineResult(short, reservation.ticketId)).toMatchObject({
      outcome: 'released',
      paymentCodeId: reservation.paymentCodeId,
    });
    const actions = await waitFor(
      async () => {
        const { rows } = await short.db.query<{ action: string; actor: string }>(
          `SELECT action, actor FROM audit_logs WHERE entity_type = 'ticket' AND entity_id = $1 ORDER BY sequence`,
          [reservation.ticketId],
        );
        return rows.length === 2 ? rows : undefined;
      },
      { what: "the deadline's audit trail" },
    );
    expect(actions).toEqual([
      { action: 'expiry_unknown_payment_code', actor: 'monime' },
      { action: 'expiry_released', actor: 'fareflow' },
    ]);
    expect((await ticket(short, reservation.ticketId)).status).toBe('expired');
  });
});

describe('point 6: the payment_code.expired webhook brings the deadline forward', () => {
  let reservation: Reservation;
  beforeAll(async () => {
    reservation = await reserveTicket(usual, { commissionBps: 250, priceMinor: 3_000 });
  });

  it('the deadline exists from the reservation on, waiting (start delay) 30 minutes + grace out', async () => {
    const description = await usual.client.workflow.getHandle(workflowIdForReservation(reservation.ticketId)).describe();
    expect(description.type).toBe('releaseReservation');
    expect(description.status.name).toBe('RUNNING');
  });

  it('a plain signal is recorded but does not dispatch a delayed workflow (why the webhook uses signal-with-start)', async () => {
    const handle = usual.client.workflow.getHandle(workflowIdForReservation(reservation.ticketId));
    await handle.signal(paymentCodeExpiredSignal, {
      paymentCodeId: reservation.paymentCodeId,
      eventId: 'evt-plain-signal',
      occurredAt: new Date().toISOString(),
    });
    const { events } = await handle.fetchHistory();
    // Temporal's EventType numbers: WORKFLOW_EXECUTION_STARTED 1, WORKFLOW_TASK_SCHEDULED 5, WORKFLOW_EXECUTION_SIGNALED 26.
    // A signal that dispatched the workflow would schedule its task in the same write: no race here.
    expect((events ?? []).map((event) => Number(event.eventType))).toEqual([1, 26]);
    expect((await ticket(usual, reservation.ticketId)).status).toBe('reserved');
  });

  it('releases at once, through the same workflow, and a redelivery is a duplicate', async () => {
    const first = await usual.simulator.expire(reservation.paymentCodeId);
    expect(first).toMatchObject({ status: 200, body: { status: 'accepted', workflowId: workflowIdForReservation(reservation.ticketId) } });

    await ticketWithStatus(usual, reservation.ticketId, 'expired');
    expect(await codeStatus(usual, reservation.paymentCodeId)).toBe('expired');
    expect(await deadlineResult(usual, reservation.ticketId)).toMatchObject({
      outcome: 'released',
      ticketId: reservation.ticketId,
      paymentCodeId: reservation.paymentCodeId,
    });

    const again = await usual.simulator.expire(reservation.paymentCodeId);
    expect(again).toMatchObject({ status: 200, body: { status: 'duplicate', workflowId: workflowIdForReservation(reservation.ticketId) } });
    expect((await ticket(usual, reservation.ticketId)).status).toBe('expired');
  });

  it('an expiry webhook for a paid code changes nothing', async () => {
    const paidReservation = await reserveTicket(usual, { commissionBps: 250, priceMinor: 2_000 });
    const paid = await usual.simulator.pay(paidReservation.paymentCodeId);
    await transactionWithStatus(usual, paid.paymentId, 'completed');
    const expiry = await usual.simulator.expire(paidReservation.paymentCodeId);
    expect(expiry).toMatchObject({ status: 200, body: { status: 'accepted' } });
    expect(await deadlineResult(usual, paidReservation.ticketId)).toMatchObject({ outcome: 'already_paid' });
    expect((await ticket(usual, paidReservation.ticketId)).status).toBe('issued');
  });
});

describe('point 7: a half-made reservation (MoniMe issued the code, attaching it failed)', () => {
  const PRICE_THAT_CANNOT_ATTACH = 4_242;

  beforeAll(async () => {
    // Test-only: the database refuses to store a code of this price, as a failing attach would.
    await short.db.query(`
      CREATE FUNCTION refuse_attach() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'attach refused by the test'; END $$;
      CREATE TRIGGER refuse_attach BEFORE INSERT ON payment_codes
        FOR EACH ROW WHEN (NEW.amount_minor = ${PRICE_THAT_CANNOT_ATTACH}) EXECUTE FUNCTION refuse_attach();`);
  });

  it('is released by the same deadline, although the ticket never got its code', async () => {
    const company = (await (
      await short.api('/api/companies', {
        method: 'POST',
        body: JSON.stringify({ name: 'Half Made Ltd', financialAccountId: 'fac-half-made', commissionBps: 0 }),
      })
    ).json()) as { id: string };
    const route = (await (
      await short.api(`/api/companies/${company.id}/routes`, {
        method: 'POST',
        body: JSON.stringify({ origin: 'Freetown', destination: 'Kenema', priceMinor: PRICE_THAT_CANNOT_ATTACH, currency: 'SLE' }),
      })
    ).json()) as { id: string };

    const response = await short.api('/api/tickets', {
      method: 'POST',
      body: JSON.stringify({ routeId: route.id, passengerName: 'Fatmata Sesay', passengerPhone: '+23276000111' }),
    });
    expect(response.status).toBe(500);

    const { rows } = await short.db.query<{ id: string; status: string; payment_code_id: string | null }>(
      'SELECT id, status, payment_code_id FROM tickets WHERE route_id = $1',
      [route.id],
    );
    expect(rows).toEqual([{ id: expect.any(String), status: 'reserved', payment_code_id: null }]);
    const ticketId = rows[0].id;

    const released = await ticketWithStatus(short, ticketId, 'expired');
    expect(released).toMatchObject({ paymentCode: null });
    expect(released.releasedAt).not.toBeNull();
    expect(await deadlineResult(short, ticketId)).toMatchObject({ outcome: 'released', ticketId, paymentCodeId: null });
  });
});
