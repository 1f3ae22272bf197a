/**
 * processTransaction on stubbed activities: what operators decide — a payment that could
 * not be applied (accept, reject, a refused accept, messages that do not apply) and a
 * transfer that failed (retry in the same round or the next, reject).
 */
import { resolveSignal, retryTransferSignal, transferIdempotencyKey } from '../../contract';
import {
  NET,
  amountMismatch,
  outcomes,
  appliedFacts,
  monimeFailure,
  startTransaction,
  statusWrites,
  stubActivities,
  transactionInput,
  transferState,
  viewWhen,
} from './support/transaction';
import { useWorkflowTesting } from './support/workflowWorkers';

const { withWorkers } = useWorkflowTesting();

describe('a payment that could not be applied (amount mismatch)', () => {
  it('waits for an operator; resolve accept issues the ticket for the amount paid, transfers net and completes', async () => {
    const { activities, calls } = stubActivities({ applyPayment: async (input) => amountMismatch(input.transactionId) });
    const input = transactionInput();
    await withWorkers(activities, async (scope) => {
      const handle = await startTransaction(scope, input);
      const waiting = await viewWhen(handle, 'awaiting an operator', (view) => view.stage === 'awaiting_operator');
      expect(waiting).toMatchObject({
        status: 'needs_attention',
        reason: 'amount_mismatch',
        amount: { currency: 'SLE', value: 15_000 },
        expectedAmount: { currency: 'SLE', value: 20_000 },
        net: null,
        transfer: null,
        attempts: 0,
      });
      expect(calls.of('requestTransfer')).toEqual([]);

      await handle.signal(resolveSignal, { decision: 'accept', note: 'customer paid the old fare', operator: 'ada' });
      const view = await handle.result();

      expect(view).toMatchObject({
        status: 'completed',
        stage: 'completed',
        reason: null,
        net: NET,
        attempts: 1,
        transfer: { status: 'completed', round: 0 },
      });
      expect(view.decisions).toEqual([
        {
          kind: 'resolve',
          decision: 'accept',
          note: 'customer paid the old fare',
          operator: 'ada',
          outcome: 'accepted: ticket issued for the amount paid',
          at: expect.any(String),
        },
      ]);
      expect(calls.of('acceptPayment')).toEqual([input.transactionId]);
      expect(calls.of('requestTransfer')).toEqual([
        {
          transactionId: input.transactionId,
          round: 0,
          net: { currency: 'SLE', value: NET },
          destinationAccountId: appliedFacts(input.transactionId).destinationAccountId,
          giveUpAfterMinutes: 5,
        },
      ]);
      expect(calls.of('setTransactionStatus')).toEqual([
        { transactionId: input.transactionId, status: 'needs_attention', reason: 'amount_mismatch' },
        {
          transactionId: input.transactionId,
          status: 'processing',
          reason: null,
          resolution: { decision: 'accept', note: 'customer paid the old fare', operator: 'ada' },
        },
        { transactionId: input.transactionId, status: 'completed', reason: null },
      ]);
      expect(calls.of('releaseTicketOfTransaction')).toEqual([]);
    });
  });

  it('resolve reject closes it as cancelled/rejected, refund due, the ticket released and no transfer', async () => {
    const { activities, calls } = stubActivities({ applyPayment: async (input) => amountMismatch(input.transactionId) });
    const input = transactionInput();
    await withWorkers(activities, async (scope) => {
      const handle = await startTransaction(scope, input);
      await viewWhen(handle, 'awaiting an operator', (view) => view.stage === 'awaiting_operator');
      await handle.signal(resolveSignal, { decision: 'reject', note: 'refund the customer', operator: 'musa' });
      const view = await handle.result();

      expect(view).toMatchObject({ status: 'cancelled', stage: 'rejected', reason: 'amount_mismatch', transfer: null, attempts: 0 });
      expect(outcomes(view)).toEqual(['resolve: rejected: refund due, no transfer']);
      expect(calls.of('releaseTicketOfTransaction')).toEqual([input.transactionId]);
      expect(calls.of('setTransactionStatus').at(-1)).toEqual({
        transactionId: input.transactionId,
        status: 'cancelled',
        reason: 'amount_mismatch',
        resolution: { decision: 'reject', refundDue: true, note: 'refund the customer', operator: 'musa' },
      });
      expect(calls.of('acceptPayment')).toEqual([]);
      expect(calls.of('requestTransfer')).toEqual([]);
      expect(calls.auditActions()).toEqual(['received', 'needs_attention', 'operator_resolve', 'rejected']);
    });
  });

  it('messages that cannot settle it are answered and it keeps waiting: retryTransfer, an invalid resolve, an accept the database refuses', async () => {
    const { activities, calls } = stubActivities({
      applyPayment: async (input) => amountMismatch(input.transactionId),
      acceptPayment: async () => ({ accepted: false, refusal: 'the seat was sold again' }),
    });
    const input = transactionInput();
    await withWorkers(activities, async (scope) => {
      const handle = await startTransaction(scope, input);
      await viewWhen(handle, 'awaiting an operator', (view) => view.stage === 'awaiting_operator');

      // One at a time: an invalid resolve is answered in its handler, the others where the workflow waits.
      await handle.signal(retryTransferSignal, { operator: 'ada' });
      await viewWhen(handle, 'retryTransfer answered', (view) => view.decisions.length === 1);
      await handle.signal(resolveSignal, { decision: 'approve', note: 'typo', operator: 'ada' } as never);
      await viewWhen(handle, 'the invalid resolve answered', (view) => view.decisions.length === 2);
      await handle.signal(resolveSignal, { decision: 'accept', note: 'take it', operator: 'ada' });
      const stillWaiting = await viewWhen(handle, 'three answered messages', (view) => view.decisions.length === 3);
      expect(stillWaiting).toMatchObject({ status: 'needs_attention', reason: 'amount_mismatch', stage: 'awaiting_operator' });
      expect(outcomes(stillWaiting)).toEqual([
        'retryTransfer: ignored: no transfer to retry, the payment is not applied',
        'resolve: ignored: invalid resolve: decision must be "accept" or "reject", got "approve"',
        'resolve: refused: the seat was sold again',
      ]);

      await handle.signal(resolveSignal, { decision: 'reject', note: 'refund', operator: 'ada' });
      const view = await handle.result();
      expect(view).toMatchObject({ status: 'cancelled', stage: 'rejected' });
      expect(calls.of('acceptPayment')).toEqual([input.transactionId]);
      expect(calls.of('requestTransfer')).toEqual([]);
      expect(statusWrites(calls)).toEqual(['needs_attention/amount_mismatch', 'cancelled/amount_mismatch']);
    });
  });
});

describe('a transfer that failed', () => {
  it('MoniMe rejects it (non-retryable): transfer_failed after one attempt; retryTransfer tries again in the same round and completes', async () => {
    const { activities, calls } = stubActivities({
      requestTransfer: async (input) => {
        if (calls.of('requestTransfer').length === 1) throw monimeFailure('MonimeRejected', '422 destination account is inactive', 422);
        return transferState(input, 'trf-second', 'completed');
      },
    });
    const input = transactionInput();
    await withWorkers(activities, async (scope) => {
      const handle = await startTransaction(scope, input);
      const failed = await viewWhen(
        handle,
        'transfer_failed',
        (view) => view.reason === 'transfer_failed' && view.stage === 'awaiting_operator',
      );
      expect(failed).toMatchObject({
        status: 'needs_attention',
        attempts: 1,
        transfer: { id: null, status: 'failed', round: 0, idempotencyKey: transferIdempotencyKey(input.transactionId, 0) },
      });
      expect(failed.lastError).toContain('422 destination account is inactive');
      expect(calls.of('requestTransfer')).toHaveLength(1);

      // Two operators at once: one retry, the other answered.
      await Promise.all([
        handle.signal(retryTransferSignal, { operator: 'ada', note: 'account re-activated' }),
        handle.signal(retryTransferSignal, { operator: 'ben', note: 'me too' }),
      ]);
      const view = await handle.result();

      expect(view).toMatchObject({
        status: 'completed',
        stage: 'completed',
        reason: null,
        attempts: 2,
        transfer: { id: 'trf-second', status: 'completed', round: 0, idempotencyKey: transferIdempotencyKey(input.transactionId, 0) },
      });
      expect(view.decisions.filter((decision) => decision.outcome === 'transfer retried (round 0)')).toHaveLength(1);
      expect(view.decisions.filter((decision) => decision.outcome.startsWith('ignored: '))).toHaveLength(1);
      // A rejected request moved nothing and spent no key: the same round again.
      expect(calls.of('requestTransfer').map((call) => [call.round, call.net.value])).toEqual([
        [0, NET],
        [0, NET],
      ]);
      expect(statusWrites(calls)).toEqual(['needs_attention/transfer_failed', 'processing/-', 'completed/-']);
      // Both operators' messages are audited, however their signals were batched.
      const audited = calls.auditActions();
      expect(audited.filter((action) => action === 'operator_retryTransfer')).toHaveLength(2);
      expect(audited.filter((action) => action === 'transfer_requested')).toHaveLength(2);
      expect(audited.at(-1)).toBe('completed');
    });
  });

  it('MoniMe answers `failed`: the key is spent, and resolve accept retries in round 1 under a new key', async () => {
    const { activities, calls } = stubActivities({
      requestTransfer: async (input) =>
        input.round === 0 ? transferState(input, 'trf-r0', 'failed', 'insufficient float') : transferState(input, 'trf-r1', 'completed'),
    });
    const input = transactionInput();
    await withWorkers(activities, async (scope) => {
      const handle = await startTransaction(scope, input);
      const failed = await viewWhen(
        handle,
        'transfer_failed',
        (view) => view.reason === 'transfer_failed' && view.stage === 'awaiting_operator',
      );
      expect(failed).toMatchObject({
        status: 'needs_attention',
        lastError: 'insufficient float',
        attempts: 1,
        transfer: { id: 'trf-r0', status: 'failed', round: 0 },
      });

      await handle.signal(resolveSignal, { decision: 'accept', note: 'float topped up', operator: 'ada' });
      const view = await handle.result();

      expect(view).toMatchObject({
        status: 'completed',
        attempts: 2,
        transfer: { id: 'trf-r1', status: 'completed', round: 1, idempotencyKey: transferIdempotencyKey(input.transactionId, 1) },
      });
      expect(outcomes(view)).toEqual(['resolve: transfer retried (round 1)']);
      expect(calls.of('requestTransfer').map((call) => call.round)).toEqual([0, 1]);
      expect(calls.of('acceptPayment')).toEqual([]);
    });
  });

  it('resolve reject after a rejected transfer (nothing moved) closes it as rejected, no second transfer', async () => {
    const { activities, calls } = stubActivities({
      requestTransfer: async () => {
        throw monimeFailure('MonimeRejected', '403 account closed', 403);
      },
    });
    const input = transactionInput();
    await withWorkers(activities, async (scope) => {
      const handle = await startTransaction(scope, input);
      await viewWhen(handle, 'transfer_failed', (view) => view.reason === 'transfer_failed' && view.stage === 'awaiting_operator');
      await handle.signal(resolveSignal, { decision: 'reject', note: 'company left the platform', operator: 'musa' });
      const view = await handle.result();

      expect(view).toMatchObject({ status: 'cancelled', stage: 'rejected', reason: 'transfer_failed', attempts: 1 });
      expect(outcomes(view)).toEqual(['resolve: rejected: refund due, no transfer']);
      expect(calls.of('requestTransfer')).toHaveLength(1);
      expect(calls.of('releaseTicketOfTransaction')).toEqual([input.transactionId]);
      expect(calls.of('setTransactionStatus').at(-1)).toEqual({
        transactionId: input.transactionId,
        status: 'cancelled',
        reason: 'transfer_failed',
        resolution: { decision: 'reject', refundDue: true, note: 'company left the platform', operator: 'musa' },
      });
    });
  });
});
