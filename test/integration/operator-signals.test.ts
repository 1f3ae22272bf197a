/**
 * Issue 5: every operator message a workflow can get at the wrong moment — twice, before
 * it applies, after the transaction closed — is answered, audited, and never moves money
 * twice. Real Temporal, PostgreSQL and the simulator; signals sent as the Web UI or the
 * `temporal` CLI would send them, through the Temporal client.
 */
import { WorkflowNotFoundError } from '@temporalio/client';
import { listAuditTrail } from '../../db/queries/audit';
import { cancelNoteSignal, resolveSignal, retryTransferSignal, statusQuery, workflowIdForTransaction } from '../../contract';
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

const handleOf = (transactionId: string) => stack.client.workflow.getHandle(workflowIdForTransaction(transactionId));

async function stage(transactionId: string, expected: string, reason?: string) {
  return waitFor(
    async () => {
      const view = await handleOf(transactionId).query(statusQuery);
      return view.stage === expected && (reason === undefined || view.reason === reason) ? view : undefined;
    },
    { timeoutMs: 30_000, what: `${transactionId} at ${expected}${reason ? `/${reason}` : ''}` },
  );
}

/** The audit trail is written by the batcher, a moment after the workflow recorded it. */
async function auditedOperatorEvents(transactionId: string, atLeast: number) {
  return waitFor(
    async () => {
      const events = (await listAuditTrail(stack.db, 'transaction', transactionId)).filter((event) => event.action.startsWith('operator_'));
      return events.length >= atLeast
        ? events.map((event) => ({ action: event.action, actor: event.actor, outcome: (event.after as { outcome: string }).outcome }))
        : undefined;
    },
    { what: `${atLeast} operator events audited for ${transactionId}` },
  );
}

async function ticketStatus(ticketId: string): Promise<string> {
  return ((await (await stack.api(`/api/tickets/${ticketId}`)).json()) as { status: string }).status;
}

it('retryTransfer twice: the transfer is retried once, the second is answered as ignored, one transfer', async () => {
  const reservation = await reserveTicket(stack, { commissionBps: 250, priceMinor: 8_000 });
  stack.simulator.faults.set({ rejectTransfers: true });
  const paid = await stack.simulator.pay(reservation.paymentCodeId);
  await stage(paid.paymentId, 'awaiting_operator', 'transfer_failed');
  stack.simulator.faults.reset();

  const handle = handleOf(paid.paymentId);
  await Promise.all([
    handle.signal(retryTransferSignal, { operator: 'ada', note: 'first' }),
    handle.signal(retryTransferSignal, { operator: 'ben', note: 'second' }),
  ]);
  await handle.result();

  const { decisions } = await handle.query(statusQuery);
  expect(decisions).toHaveLength(2);
  expect(decisions.filter((entry) => entry.outcome.startsWith('transfer retried'))).toHaveLength(1);
  expect(decisions.filter((entry) => entry.outcome.startsWith('ignored'))).toHaveLength(1);
  expect(stack.simulator.ledger.transfersForTransaction(paid.paymentId).map((transfer) => transfer.amount.value)).toEqual([7_800]);
  expect((await auditedOperatorEvents(paid.paymentId, 2)).map((event) => event.actor).sort()).toEqual(['ada', 'ben']);
});

it('resolve --reject of a refused transfer closes it with no transfer; later signals are refused by Temporal and by the CLI, and audited', async () => {
  const reservation = await reserveTicket(stack, { commissionBps: 250, priceMinor: 3_000 });
  stack.simulator.faults.set({ rejectTransfers: true });
  const paid = await stack.simulator.pay(reservation.paymentCodeId);
  await stage(paid.paymentId, 'awaiting_operator', 'transfer_failed');
  stack.simulator.faults.reset();

  const handle = handleOf(paid.paymentId);
  await handle.signal(resolveSignal, { decision: 'reject', note: 'company account closed', operator: 'musa' });
  const view = await handle.result();
  expect(view).toMatchObject({ status: 'cancelled', stage: 'rejected' });
  expect(await ticketStatus(reservation.ticketId)).toBe('cancelled');

  // A closed workflow takes no signal at all: Temporal itself refuses it.
  await expect(handle.signal(retryTransferSignal, { operator: 'musa' })).rejects.toBeInstanceOf(WorkflowNotFoundError);
  const late = await runOps(stack, ['retry', paid.paymentId, '--operator', 'musa', '--note', 'try again?']);
  expect(late.code).toBe(2);
  expect(late.stderr).toMatch(/already completed; nothing sent/);

  expect(await auditedOperatorEvents(paid.paymentId, 2)).toEqual([
    { action: 'operator_resolve', actor: 'musa', outcome: expect.stringMatching(/^rejected/) },
    { action: 'operator_retryTransfer', actor: 'musa', outcome: expect.stringMatching(/^ignored: already completed; nothing sent/) },
  ]);
  expect(stack.simulator.ledger.transfersForTransaction(paid.paymentId)).toHaveLength(0);
});

it('retryTransfer before the payment is applied is ignored; a cancel sent twice cancels once', async () => {
  const reservation = await reserveTicket(stack, { commissionBps: 250, priceMinor: 3_000 });
  const paid = await stack.simulator.pay(reservation.paymentCodeId, { amount: { currency: 'SLE', value: 2_000 } });
  await stage(paid.paymentId, 'awaiting_operator', 'amount_mismatch');

  const handle = handleOf(paid.paymentId);
  await handle.signal(retryTransferSignal, { operator: 'ada' });
  await handle.signal(cancelNoteSignal, { operator: 'ada', reason: 'customer walked away' });
  await Promise.all([handle.cancel(), handle.cancel()]);
  await expect(handle.result()).rejects.toThrow();

  expect((await handle.describe()).status.name).toBe('CANCELLED');
  const { decisions } = await handle.query(statusQuery);
  expect(decisions).toEqual([
    expect.objectContaining({ kind: 'retryTransfer', outcome: expect.stringMatching(/^ignored: no transfer to retry/) }),
  ]);
  expect(await ticketStatus(reservation.ticketId)).toBe('cancelled');
  expect(stack.simulator.ledger.transfersForTransaction(paid.paymentId)).toHaveLength(0);
  const trail = await waitFor(
    async () => {
      const events = await listAuditTrail(stack.db, 'transaction', paid.paymentId);
      return events.some((event) => event.action === 'cancelled') ? events : undefined;
    },
    { what: 'the cancellation audited' },
  );
  expect(trail.filter((event) => event.action === 'cancelled')).toEqual([expect.objectContaining({ actor: 'ada' })]);
});

it('cancel after the transaction completed is refused, audited, and leaves the ticket issued and one transfer', async () => {
  const reservation = await reserveTicket(stack, { commissionBps: 250, priceMinor: 4_000 });
  const paid = await stack.simulator.pay(reservation.paymentCodeId);
  await handleOf(paid.paymentId).result();

  const refused = await runOps(stack, ['cancel', paid.paymentId, '--reason', 'customer changed their mind', '--operator', 'kadie']);
  expect(refused.code).toBe(2);
  expect(refused.stderr).toContain(`transaction ${paid.paymentId}: already completed; nothing sent`);
  // A raw Temporal cancel of a closed workflow is accepted by the server and changes nothing.
  await handleOf(paid.paymentId).cancel();
  expect((await handleOf(paid.paymentId).describe()).status.name).toBe('COMPLETED');

  expect(await ticketStatus(reservation.ticketId)).toBe('issued');
  expect(stack.simulator.ledger.transfersForTransaction(paid.paymentId)).toHaveLength(1);
  expect(await auditedOperatorEvents(paid.paymentId, 1)).toEqual([
    { action: 'operator_cancel', actor: 'kadie', outcome: expect.stringMatching(/^ignored: already completed/) },
  ]);

  const shown = await runOps(stack, ['show', paid.paymentId]);
  expect(shown.code).toBe(0);
  expect(shown.stdout).toMatch(/operator_cancel\s+kadie\s+ignored: already completed/);
});

it('malformed resolve and retryTransfer payloads are answered as invalid and decide nothing; a proper resolve still works', async () => {
  const reservation = await reserveTicket(stack, { commissionBps: 1_000, priceMinor: 4_000 });
  const paid = await stack.simulator.pay(reservation.paymentCodeId, { amount: { currency: 'SLE', value: 3_000 } });
  await stage(paid.paymentId, 'awaiting_operator', 'amount_mismatch');
  const handle = handleOf(paid.paymentId);
  // As `temporal workflow signal --input …` would send them: any JSON at all, or none.
  await handle.signal('resolve', { decision: 'approve', note: 'typo', operator: 'ida' });
  await handle.signal('resolve', { decision: 'accept', note: 'who am I?' });
  await handle.signal('resolve', null);
  await handle.signal('resolve');
  await handle.signal('retryTransfer', null);
  await handle.signal('transferUpdate', null);

  const view = await waitFor(
    async () => {
      const current = await handle.query(statusQuery);
      return current.decisions.length === 5 ? current : undefined;
    },
    { what: 'five answered signals' },
  );
  expect(view.decisions.map((entry) => entry.outcome)).toEqual([
    'ignored: invalid resolve: decision must be "accept" or "reject", got "approve"',
    'ignored: invalid resolve: operator must name who decided',
    'ignored: invalid resolve: expected {decision, note, operator}',
    'ignored: invalid resolve: expected {decision, note, operator}',
    'ignored: no transfer to retry, the payment is not applied',
  ]);
  expect(view).toMatchObject({ status: 'needs_attention', stage: 'awaiting_operator' });
  expect(stack.simulator.ledger.transfersForTransaction(paid.paymentId)).toHaveLength(0);
  expect(await ticketStatus(reservation.ticketId)).toBe('reserved');

  await handle.signal(resolveSignal, { decision: 'accept', note: 'short payment confirmed', operator: 'ida' });
  await handle.result();
  expect(stack.simulator.ledger.transfersForTransaction(paid.paymentId).map((transfer) => transfer.amount.value)).toEqual([2_700]);
  expect(await ticketStatus(reservation.ticketId)).toBe('issued');
});
