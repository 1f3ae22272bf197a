/**
 * Issue 2: one payment end to end, on the real Temporal dev server, real PostgreSQL and
 * real HTTP (API, simulator and its webhooks).
 */
import { transactionSettings } from '../../api/webhooks/context';
import { type ProcessTransactionInput, transferIdempotencyKey } from '../../contract';
import { signMonimeWebhook } from '../../monime/signature';
import { startStack, type Stack } from '../support/harness';
import { waitFor } from '../support/waitFor';
import { reserveTicket, postWebhook, type Reservation } from '../support/scenario';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ env: { AUDIT_FLUSH_MS: '200' } });
});
afterAll(async () => {
  await stack?.stop();
});

async function transaction(id: string) {
  const response = await stack.api(`/api/transactions/${id}`);
  return response.status === 200 ? ((await response.json()) as Record<string, unknown>) : null;
}

async function settledTransaction(id: string, status: string) {
  return waitFor(
    async () => {
      const txn = await transaction(id);
      return txn?.status === status ? txn : undefined;
    },
    { timeoutMs: 30_000, what: `transaction ${id} ${status}` },
  );
}

async function workflowsFor(paymentId: string): Promise<number> {
  let count = 0;
  for await (const _ of stack.client.workflow.list({ query: `WorkflowId = 'transaction-${paymentId}'` })) count += 1;
  return count;
}

describe('a paid reservation', () => {
  let reservation: Reservation;
  let paymentId: string;

  beforeAll(async () => {
    reservation = await reserveTicket(stack, { commissionBps: 250, priceMinor: 10_000 });
    const paid = await stack.simulator.pay(reservation.paymentCodeId);
    expect(paid.status).toBe(200);
    expect(paid.body).toEqual({ status: 'accepted', workflowId: `transaction-${paid.paymentId}` });
    paymentId = paid.paymentId;
  });

  it('completes the transaction with commission and net split half-up', async () => {
    const txn = await settledTransaction(paymentId, 'completed');
    expect(txn).toMatchObject({
      id: paymentId,
      status: 'completed',
      ticketId: reservation.ticketId,
      companyId: reservation.companyId,
      amount: { currency: 'SLE', value: 10_000 },
      commission: 250,
      net: 9_750,
      workflowId: `transaction-${paymentId}`,
    });
    expect(txn.transfer).toMatchObject({ status: 'completed' });
  });

  it('was started eagerly: API and workers share this process, so the first workflow task came in the start answer', async () => {
    const metrics = await (await stack.api('/metrics')).text();
    expect(metrics).toMatch(/^fareflow_workflow_starts_total\{eager="true"\} [1-9]/m);
    expect(metrics).not.toMatch(/^fareflow_workflow_starts_total\{eager="false"\} [1-9]/m);
  });

  it('issues the ticket', async () => {
    const response = await stack.api(`/api/tickets/${reservation.ticketId}`);
    expect(await response.json()).toMatchObject({ id: reservation.ticketId, status: 'issued' });
  });

  it('moves net to the company exactly once', async () => {
    await settledTransaction(paymentId, 'completed');
    const transfers = stack.simulator.ledger.transfersForTransaction(paymentId);
    expect(transfers).toHaveLength(1);
    expect(transfers[0]).toMatchObject({ amount: { currency: 'SLE', value: 9_750 } });
    expect(transfers[0].destination).toBe(reservation.financialAccountId);
    const rows = await stack.db.query(
      'SELECT count(*)::int AS n, min(amount_minor)::int AS amount FROM commission_transfers WHERE transaction_id = $1',
      [paymentId],
    );
    expect(rows.rows[0]).toEqual({ n: 1, amount: 9_750 });
  });

  it('a second workflow for the same payment (as after Temporal forgot the first) moves no money and writes no second trail', async () => {
    await settledTransaction(paymentId, 'completed');
    await waitFor(
      async () =>
        (await stack.db.query('SELECT count(*)::int AS n FROM audit_logs WHERE entity_id = $1', [paymentId])).rows[0].n === 5
          ? true
          : undefined,
      { what: 'the first trail written' },
    );
    const key = transferIdempotencyKey(paymentId);
    expect(stack.simulator.ledger.postsByIdempotencyKey(key)).toBe(1);
    const input: ProcessTransactionInput = {
      transactionId: paymentId,
      paymentCodeId: reservation.paymentCodeId,
      amount: { currency: 'SLE', value: 10_000 },
      eventId: 'evt-redelivered-after-retention',
      paidAt: new Date().toISOString(),
      settings: transactionSettings(stack.config),
    };
    const again = await stack.client.workflow.execute('processTransaction', {
      workflowId: `transaction-${paymentId}-again`,
      taskQueue: stack.config.temporal.taskQueue,
      args: [input],
    });
    expect(again).toMatchObject({ status: 'completed', net: 9_750 });
    expect(stack.simulator.ledger.postsByIdempotencyKey(key)).toBe(1);
    expect(stack.simulator.ledger.transfersForTransaction(paymentId)).toHaveLength(1);
    const { rows } = await stack.db.query('SELECT count(*)::int AS n FROM audit_logs WHERE entity_id = $1', [paymentId]);
    expect(rows[0].n).toBe(5);
  });

  it('leaves an audit trail in order', async () => {
    const trail = await waitFor(
      async () => {
        const response = await stack.api(`/api/transactions/${paymentId}/audit`);
        const body = (await response.json()) as { events: Array<{ action: string; sequence: number }> };
        return body.events.some((event) => event.action === 'completed') ? body.events : undefined;
      },
      { timeoutMs: 30_000, what: 'audit trail up to completed' },
    );
    expect(trail.map((event) => event.action)).toEqual(['received', 'applied', 'transfer_requested', 'transfer_completed', 'completed']);
    const { rows } = await stack.db.query(`SELECT count(*)::int AS n FROM audit_logs WHERE entity_id = $1`, [paymentId]);
    expect(rows[0].n).toBe(5);
  });
});

describe('the same payment delivered again and again', () => {
  it('starts one workflow and moves money once, answering 2xx to every delivery', async () => {
    const reservation = await reserveTicket(stack, { commissionBps: 1_000, priceMinor: 5_005 });
    const first = await stack.simulator.pay(reservation.paymentCodeId, { deliver: false });

    const deliveries = await Promise.all(Array.from({ length: 20 }, () => postWebhook(stack, first.rawBody)));
    const sameEventAgain = await postWebhook(
      stack,
      JSON.stringify({
        ...first.envelope,
        event: { ...(first.envelope as { event: Record<string, unknown> }).event, id: 'evt-redelivered-under-new-id' },
      }),
    );

    const answers = [...deliveries, sameEventAgain];
    for (const answer of answers) expect(answer.status).toBe(200);
    const statuses = answers.map((answer) => (answer.body as { status: string }).status);
    expect(statuses.filter((status) => status === 'accepted')).toHaveLength(1);
    expect(statuses.filter((status) => status === 'duplicate')).toHaveLength(20);

    const txn = await settledTransaction(first.paymentId, 'completed');
    expect(txn.commission).toBe(501); // 500.5 rounds up
    expect(txn.net).toBe(4_504);
    expect(stack.simulator.ledger.transfersForTransaction(first.paymentId)).toHaveLength(1);
    expect(await workflowsFor(first.paymentId)).toBe(1);

    // After completion the database, not Temporal, is what remembers the payment.
    const late = await postWebhook(stack, first.rawBody);
    expect(late).toMatchObject({ status: 200, body: { status: 'duplicate', workflowId: `transaction-${first.paymentId}` } });
  });
});

describe('webhooks that must not be believed', () => {
  it('rejects bad signatures, stale timestamps, non-JSON and invalid envelopes, starting nothing', async () => {
    const reservation = await reserveTicket(stack, { commissionBps: 0, priceMinor: 1_000 });
    const paid = await stack.simulator.pay(reservation.paymentCodeId, { deliver: false });
    const now = Math.floor(Date.now() / 1000);

    const badSignature = await postWebhook(stack, paid.rawBody, { signature: signMonimeWebhook('not-the-secret', paid.rawBody, now) });
    const stale = await postWebhook(stack, paid.rawBody, { timestamp: now - 301 });
    const notJson = await postWebhook(stack, '{"apiVersion": "caph.2025-08-23", "event": ');
    const invalidEnvelope = await postWebhook(
      stack,
      JSON.stringify({ apiVersion: 'caph.2025-08-23', event: { id: 'evt-1', name: 'payment_code.completed' }, data: {} }),
    );

    expect([badSignature.status, stale.status, notJson.status, invalidEnvelope.status]).toEqual([401, 401, 400, 400]);
    expect(String((invalidEnvelope.body as { error: string }).error)).toMatch(/event\.timestamp|object|data/);
    expect(await workflowsFor(paid.paymentId)).toBe(0);
    expect(await transaction(paid.paymentId)).toBeNull();
  });
});

describe('payments that cannot be applied', () => {
  async function expectParked(paymentId: string, reason: string) {
    const txn = await settledTransaction(paymentId, 'needs_attention');
    expect(txn.attentionReason).toBe(reason);
    expect(txn.transfer).toBeNull();
    const description = await stack.client.workflow.getHandle(`transaction-${paymentId}`).describe();
    await waitFor(
      async () => {
        const fresh = await stack.client.workflow.getHandle(`transaction-${paymentId}`).describe();
        return fresh.searchAttributes.TransactionStatus?.[0] === 'needs_attention' ? true : undefined;
      },
      { timeoutMs: 10_000, what: 'TransactionStatus search attribute' },
    );
    expect(description.status.name).toBe('RUNNING');
    expect(stack.simulator.ledger.transfersForTransaction(paymentId)).toHaveLength(0);
  }

  it('parks an amount mismatch for an operator, with no transfer', async () => {
    const reservation = await reserveTicket(stack, { commissionBps: 500, priceMinor: 2_000 });
    const paid = await stack.simulator.pay(reservation.paymentCodeId, { amount: { currency: 'SLE', value: 1_999 } });
    expect(paid.status).toBe(200);
    await expectParked(paid.paymentId, 'amount_mismatch');
    expect(await transaction(paid.paymentId)).toMatchObject({
      amount: { currency: 'SLE', value: 1_999 },
      expectedAmount: { currency: 'SLE', value: 2_000 },
    });
    const view = await stack.client.workflow.getHandle(`transaction-${paid.paymentId}`).query('status');
    expect(view).toMatchObject({ amount: { value: 1_999 }, expectedAmount: { currency: 'SLE', value: 2_000 } });
    const ticket = (await (await stack.api(`/api/tickets/${reservation.ticketId}`)).json()) as { status: string };
    expect(ticket.status).toBe('reserved');
  });

  it('parks a payment for an unknown payment code', async () => {
    const paid = await stack.simulator.pay('pmc-does-not-exist', { amount: { currency: 'SLE', value: 700 } });
    expect(paid.status).toBe(200);
    await expectParked(paid.paymentId, 'unknown_payment_code');
  });

  it('releases an expired reservation, and parks a later payment for it', async () => {
    const reservation = await reserveTicket(stack, { commissionBps: 500, priceMinor: 3_000 });
    const expired = await stack.simulator.expire(reservation.paymentCodeId);
    expect(expired.status).toBe(200);
    await waitFor(
      async () => {
        const ticket = (await (await stack.api(`/api/tickets/${reservation.ticketId}`)).json()) as { status: string };
        return ticket.status === 'expired' ? ticket : undefined;
      },
      { timeoutMs: 20_000, what: 'ticket expired' },
    );
    const { rows } = await stack.db.query('SELECT status FROM payment_codes WHERE id = $1', [reservation.paymentCodeId]);
    expect(rows[0].status).toBe('expired');

    const again = await stack.simulator.expire(reservation.paymentCodeId);
    expect(again.status).toBe(200);

    const latePayment = await stack.simulator.pay(reservation.paymentCodeId);
    expect(latePayment.status).toBe(200);
    await expectParked(latePayment.paymentId, 'payment_code_expired');
  });
});

describe('internal_transfer webhooks that are not about a transaction of ours', () => {
  const transferEvent = (name: string, metadata: Record<string, string> | null) =>
    JSON.stringify({
      apiVersion: 'caph.2025-08-23',
      event: { id: `evt-${Math.random().toString(36).slice(2)}`, name, timestamp: new Date().toISOString() },
      object: { id: 'trn-not-ours', type: 'internal_transfer' },
      data: { id: 'trn-not-ours', status: name.endsWith('failed') ? 'failed' : 'completed', metadata },
    });

  it('are ignored, not called duplicates, and start nothing', async () => {
    const foreign = await postWebhook(stack, transferEvent('internal_transfer.completed', null));
    const unknown = await postWebhook(stack, transferEvent('internal_transfer.failed', { transactionId: 'pay-never-seen' }));
    expect(foreign).toEqual({ status: 200, body: { status: 'ignored' } });
    expect(unknown).toEqual({ status: 200, body: { status: 'ignored' } });
    expect(await workflowsFor('pay-never-seen')).toBe(0);
  });
});

describe('the moments around the database', () => {
  it('a transaction is answered for by its workflow before the payment is applied', async () => {
    const reservation = await reserveTicket(stack, { commissionBps: 100, priceMinor: 2_500 });
    // Hold the payment code: the workflow's applyPayment waits on this lock, its row unwritten.
    const holder = await stack.db.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT 1 FROM payment_codes WHERE id = $1 FOR UPDATE', [reservation.paymentCodeId]);
      const paid = await stack.simulator.pay(reservation.paymentCodeId);
      expect(paid.body).toMatchObject({ status: 'accepted' });
      const early = await stack.api(`/api/transactions/${paid.paymentId}`);
      expect(early.status).toBe(200);
      expect(await early.json()).toMatchObject({
        id: paid.paymentId,
        status: 'processing',
        amount: { currency: 'SLE', value: 2_500 },
        transfer: null,
        workflowId: `transaction-${paid.paymentId}`,
      });
      await holder.query('COMMIT');
      const done = await settledTransaction(paid.paymentId, 'completed');
      expect(done).toMatchObject({ commission: 25, net: 2_475 });
    } finally {
      holder.release();
    }
  });

  it('a failing duplicate pre-check does not refuse a payment Temporal can record', async () => {
    const reservation = await reserveTicket(stack, { commissionBps: 0, priceMinor: 900 });
    await stack.db.query('ALTER TABLE transactions RENAME TO transactions_away');
    let paid;
    try {
      paid = await stack.simulator.pay(reservation.paymentCodeId);
    } finally {
      await stack.db.query('ALTER TABLE transactions_away RENAME TO transactions');
    }
    expect(paid.status).toBe(200);
    expect(paid.body).toMatchObject({ status: 'accepted' });
    // The workflow's own database writes retry until the table is back.
    const done = await settledTransaction(paid.paymentId, 'completed');
    expect(done.net).toBe(900);
    expect(stack.simulator.ledger.transfersForTransaction(paid.paymentId)).toHaveLength(1);
  });
});
