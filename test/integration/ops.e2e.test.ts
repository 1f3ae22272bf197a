/**
 * Issue 5: operators find stuck transactions and fix them with the ops CLI (a subprocess,
 * as an operator runs it) — on real Temporal, PostgreSQL and the simulator over HTTP.
 */
import { resolveSignal, statusQuery, workflowIdForTransaction } from '../../contract';
import { startStack, type Stack } from '../support/harness';
import { runOps } from '../support/opsCli';
import { reserveTicket } from '../support/scenario';
import { waitFor } from '../support/waitFor';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ env: { AUDIT_FLUSH_MS: '200' } });
});
afterAll(async () => {
  await stack?.stop();
});
afterEach(() => {
  stack.simulator.faults.reset();
});

async function transaction(id: string) {
  const response = await stack.api(`/api/transactions/${id}`);
  return response.status === 200 ? ((await response.json()) as Record<string, unknown>) : undefined;
}

async function settled(id: string, status: string, reason?: string) {
  return waitFor(
    async () => {
      const txn = await transaction(id);
      return txn?.status === status && (reason === undefined || txn.attentionReason === reason) ? txn : undefined;
    },
    { timeoutMs: 30_000, what: `transaction ${id} ${status}${reason ? `/${reason}` : ''}` },
  );
}

async function ticketStatus(ticketId: string): Promise<string> {
  return ((await (await stack.api(`/api/tickets/${ticketId}`)).json()) as { status: string }).status;
}

/** The transaction's audit trail through the API, once it holds `action`. */
async function auditedUpTo(id: string, action: string) {
  return waitFor(
    async () => {
      const body = (await (await stack.api(`/api/transactions/${id}/audit`)).json()) as {
        events: Array<{ action: string; actor: string }>;
      };
      return body.events.some((event) => event.action === action) ? body.events : undefined;
    },
    { timeoutMs: 20_000, what: `${action} in the audit trail of ${id}` },
  );
}

/** Visibility is eventually consistent: wait until the workflow shows up in a query. */
async function visible(query: string, workflowId: string) {
  await waitFor(
    async () => {
      for await (const execution of stack.client.workflow.list({ query })) if (execution.workflowId === workflowId) return true;
      return undefined;
    },
    { timeoutMs: 20_000, what: `${workflowId} in "${query}"` },
  );
}

describe('an amount mismatch', () => {
  it('is listed by `stuck`, and `resolve --accept` issues the ticket and transfers once', async () => {
    const reservation = await reserveTicket(stack, { commissionBps: 1_000, priceMinor: 5_000 });
    const paid = await stack.simulator.pay(reservation.paymentCodeId, { amount: { currency: 'SLE', value: 4_500 } });
    await settled(paid.paymentId, 'needs_attention', 'amount_mismatch');
    await visible(
      `TransactionStatus = "needs_attention" AND CompanyId = "${reservation.companyId}"`,
      workflowIdForTransaction(paid.paymentId),
    );

    // Three reads, independent of each other: run side by side, as three operators might.
    const [stuck, human, before] = await Promise.all([
      runOps(stack, ['stuck', '--company', reservation.companyId, '--json']),
      runOps(stack, ['stuck', '--reason', 'amount_mismatch']),
      runOps(stack, ['show', paid.paymentId]),
    ]);
    expect(stuck.code).toBe(0);
    expect(JSON.parse(stuck.stdout)).toEqual([
      expect.objectContaining({ transaction: paid.paymentId, reason: 'amount_mismatch', company: reservation.companyId, amount: 4_500 }),
    ]);
    expect(human.stdout).toContain(paid.paymentId);
    // What the operator weighs: what was paid against what the ticket costs.
    expect(before.stdout).toMatch(/paid 4500 SLE\s+expected 5000 SLE/);
    expect(before.stdout).toContain(`ticket ${reservation.ticketId}   company ${reservation.companyId}`);

    const resolved = await runOps(stack, [
      'resolve',
      paid.paymentId,
      '--accept',
      '--note',
      'agent confirmed short payment',
      '--operator',
      'fatmata',
    ]);
    expect(resolved.code).toBe(0);
    const txn = await settled(paid.paymentId, 'completed');
    expect(txn).toMatchObject({ commission: 450, net: 4_050 });
    expect(await ticketStatus(reservation.ticketId)).toBe('issued');
    const transfers = stack.simulator.ledger.transfersForTransaction(paid.paymentId);
    expect(transfers.map((transfer) => transfer.amount.value)).toEqual([4_050]);

    // The trail reaches the table by the batcher's flush, a moment after the status row: awaited
    // through the API (a query, not a CLI process per try), then `show` reads it once.
    await auditedUpTo(paid.paymentId, 'completed');
    const view = JSON.parse((await runOps(stack, ['show', paid.paymentId, '--json'])).stdout);
    expect(view.audit.some((event: { action: string }) => event.action === 'completed')).toBe(true);
    expect(view.workflow.decisions).toEqual([
      expect.objectContaining({ kind: 'resolve', decision: 'accept', operator: 'fatmata', outcome: expect.stringMatching(/^accepted/) }),
    ]);
    expect(view.audit.map((event: { action: string }) => event.action)).toEqual(
      expect.arrayContaining(['received', 'needs_attention', 'operator_resolve', 'transfer_completed', 'completed']),
    );
  });

  it('a second resolve is ignored, audited, and never moves money twice', async () => {
    const reservation = await reserveTicket(stack, { commissionBps: 0, priceMinor: 1_000 });
    const paid = await stack.simulator.pay(reservation.paymentCodeId, { amount: { currency: 'SLE', value: 1_100 } });
    await settled(paid.paymentId, 'needs_attention', 'amount_mismatch');
    const handle = stack.client.workflow.getHandle(workflowIdForTransaction(paid.paymentId));
    const decision = { decision: 'accept' as const, note: 'overpaid, keep it', operator: 'sia' };
    await Promise.all([handle.signal(resolveSignal, decision), handle.signal(resolveSignal, decision)]);
    await settled(paid.paymentId, 'completed');
    const view = await handle.query(statusQuery);
    expect(view.decisions.map((entry) => entry.outcome.split(':')[0])).toEqual(['accepted', 'ignored']);
    expect(stack.simulator.ledger.transfersForTransaction(paid.paymentId)).toHaveLength(1);

    const late = await runOps(stack, ['resolve', paid.paymentId, '--reject', '--note', 'too late', '--operator', 'sia']);
    expect(late.code).toBe(2);
    expect(late.stderr).toMatch(/already completed; nothing sent/);
    expect(stack.simulator.ledger.transfersForTransaction(paid.paymentId)).toHaveLength(1);
  });

  it('`resolve --reject` marks it for refund with no transfer', async () => {
    const reservation = await reserveTicket(stack, { commissionBps: 500, priceMinor: 2_000 });
    const paid = await stack.simulator.pay(reservation.paymentCodeId, { amount: { currency: 'SLE', value: 20 } });
    await settled(paid.paymentId, 'needs_attention', 'amount_mismatch');
    expect((await runOps(stack, ['resolve', paid.paymentId, '--reject', '--note', 'refund the customer', '--operator', 'abu'])).code).toBe(
      0,
    );
    const txn = await settled(paid.paymentId, 'cancelled');
    expect(txn.resolution).toMatchObject({ decision: 'reject', refundDue: true, operator: 'abu' });
    expect(stack.simulator.ledger.transfersForTransaction(paid.paymentId)).toHaveLength(0);
  });
});

describe('a transfer MoniMe refuses for good', () => {
  it('waits for an operator, and `retry` after the fault clears completes it once', async () => {
    const reservation = await reserveTicket(stack, { commissionBps: 250, priceMinor: 8_000 });
    stack.simulator.faults.set({ rejectTransfers: true });
    const paid = await stack.simulator.pay(reservation.paymentCodeId);
    await settled(paid.paymentId, 'needs_attention', 'transfer_failed');
    const idempotencyKey = `fareflow-transfer-${paid.paymentId}`;
    expect(stack.simulator.ledger.postsByIdempotencyKey(idempotencyKey)).toBe(1); // 422 is not retried
    stack.simulator.faults.reset();

    const retried = await runOps(stack, ['retry', paid.paymentId, '--note', 'MoniMe fixed the account']);
    expect(retried.code).toBe(0);
    await settled(paid.paymentId, 'completed');
    expect(stack.simulator.ledger.transfersForTransaction(paid.paymentId).map((transfer) => transfer.amount.value)).toEqual([7_800]);
  });
});

describe('cancel', () => {
  it('releases the ticket when no money has moved', async () => {
    const reservation = await reserveTicket(stack, { commissionBps: 250, priceMinor: 8_000 });
    const paid = await stack.simulator.pay(reservation.paymentCodeId, { amount: { currency: 'SLE', value: 100 } });
    await settled(paid.paymentId, 'needs_attention');
    const cancelled = await runOps(stack, ['cancel', paid.paymentId, '--reason', 'duplicate booking', '--operator', 'kadie', '--json']);
    expect(JSON.parse(cancelled.stdout)).toMatchObject({ cancelled: true });
    const txn = await settled(paid.paymentId, 'cancelled');
    expect(txn.resolution).toMatchObject({ decision: 'cancel', operator: 'kadie', note: 'duplicate booking' });
    expect(await ticketStatus(reservation.ticketId)).toBe('cancelled');
    expect((await stack.client.workflow.getHandle(workflowIdForTransaction(paid.paymentId)).describe()).status.name).toBe('CANCELLED');
    expect(stack.simulator.ledger.transfersForTransaction(paid.paymentId)).toHaveLength(0);
    const trail = await auditedUpTo(paid.paymentId, 'cancelled');
    expect(trail.find((event) => event.action === 'cancelled')?.actor).toBe('kadie');
  });

  it('is refused with a reason while the transfer is under way, and the transfer still completes once', async () => {
    const reservation = await reserveTicket(stack, { commissionBps: 250, priceMinor: 4_000 });
    stack.simulator.faults.set({ pendingTransfers: true, pendingSettleMs: 60_000 });
    const paid = await stack.simulator.pay(reservation.paymentCodeId);
    const handle = stack.client.workflow.getHandle(workflowIdForTransaction(paid.paymentId));
    await waitFor(async () => ((await handle.query(statusQuery)).stage === 'awaiting_transfer' ? true : undefined), {
      what: 'awaiting_transfer',
    });

    const refused = await runOps(stack, ['cancel', paid.paymentId, '--reason', 'customer asked', '--json']);
    expect(refused.code).toBe(3);
    expect(JSON.parse(refused.stdout)).toMatchObject({ cancelled: false, refusedReason: expect.stringMatching(/transfer/) });

    const [transfer] = stack.simulator.ledger.transfersForTransaction(paid.paymentId);
    await fetch(`${stack.simulator.url}/_sim/internal-transfers/${transfer.id}/settle`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"outcome":"completed"}',
    });
    await settled(paid.paymentId, 'completed');
    expect(await ticketStatus(reservation.ticketId)).toBe('issued');
    expect(stack.simulator.ledger.transfersForTransaction(paid.paymentId)).toHaveLength(1);
  });
});

describe('batchers', () => {
  it('shows each shard with what it flushed', async () => {
    const result = await runOps(stack, ['batchers', '--json']);
    const shards = JSON.parse(result.stdout) as Array<{ shard: number; running: boolean; totalFlushed: number | null }>;
    expect(shards).toHaveLength(stack.config.audit.shards);
    expect(shards.some((shard) => shard.running && (shard.totalFlushed ?? 0) > 0)).toBe(true);
  });
});
