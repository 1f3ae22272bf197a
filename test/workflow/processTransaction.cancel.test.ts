/**
 * processTransaction on stubbed activities: Temporal's cancel, honoured while no money can
 * have moved (the run then ends cancelled) and refused, with the reason in status, once it may
 * have. Not asserted, because both are being changed: how a run whose cancel was refused
 * ends (CANCELLED as split, although its money moved), and which of the two refusal reasons a
 * cancel during the operator wait after a failed transfer gets.
 */
import { cancelNoteSignal, resolveSignal, retryTransferSignal, type TransferState } from '../../contract';
import {
  amountMismatch,
  outcomes,
  TRANSFER_MAY_EXIST,
  TRANSFER_UNDER_WAY,
  callsWhen,
  expectRunCancelled,
  gate,
  monimeFailure,
  runClosed,
  startTransaction,
  statusOf,
  statusWrites,
  stubActivities,
  transactionInput,
  transferState,
  viewWhen,
} from './support/transaction';
import { useWorkflowTesting } from './support/workflowWorkers';

const { withWorkers } = useWorkflowTesting();

it('cancel while waiting for an operator (before any transfer): the ticket is released and the run ends cancelled', async () => {
  const { activities, calls } = stubActivities({ applyPayment: async (input) => amountMismatch(input.transactionId) });
  const input = transactionInput();
  await withWorkers(activities, async (scope) => {
    const handle = await startTransaction(scope, input);
    await viewWhen(handle, 'awaiting an operator', (view) => view.stage === 'awaiting_operator');
    await handle.cancel();
    await expectRunCancelled(handle);

    const view = await statusOf(handle);
    expect(view).toMatchObject({
      status: 'cancelled',
      stage: 'cancelled',
      reason: 'amount_mismatch',
      transfer: null,
      cancelRefusedReason: null,
    });
    expect(view.decisions).toEqual([]);
    expect(calls.of('releaseTicketOfTransaction')).toEqual([input.transactionId]);
    expect(calls.of('setTransactionStatus').at(-1)).toEqual({
      transactionId: input.transactionId,
      status: 'cancelled',
      reason: 'amount_mismatch',
      resolution: { decision: 'cancel', operator: 'temporal-cancel', note: 'cancelled through Temporal' },
    });
    expect(calls.of('requestTransfer')).toEqual([]);
    expect(calls.of('acceptPayment')).toEqual([]);
    expect(calls.auditActions()).toEqual(['received', 'needs_attention', 'cancelled']);
  });
});

it('cancel after MoniMe rejected the transfer (nothing moved), announced by cancelNote: honoured, with the operator and reason', async () => {
  const { activities, calls } = stubActivities({
    requestTransfer: async () => {
      throw monimeFailure('MonimeRejected', '422 destination account is inactive', 422);
    },
  });
  const input = transactionInput();
  await withWorkers(activities, async (scope) => {
    const handle = await startTransaction(scope, input);
    await viewWhen(handle, 'transfer_failed', (view) => view.reason === 'transfer_failed' && view.stage === 'awaiting_operator');
    await handle.signal(cancelNoteSignal, { operator: 'musa', reason: 'company closed' });
    await handle.cancel();
    await expectRunCancelled(handle);

    expect(await statusOf(handle)).toMatchObject({ status: 'cancelled', stage: 'cancelled', reason: 'transfer_failed', attempts: 1 });
    expect(calls.of('requestTransfer')).toHaveLength(1);
    expect(calls.of('releaseTicketOfTransaction')).toEqual([input.transactionId]);
    expect(calls.of('setTransactionStatus').at(-1)).toEqual({
      transactionId: input.transactionId,
      status: 'cancelled',
      reason: 'transfer_failed',
      resolution: { decision: 'cancel', operator: 'musa', note: 'company closed' },
    });
    // Issue 11 point 4: one decision for the one cancel request — no refusal beside it — and one audit event.
    expect(outcomes(await statusOf(handle)).filter((outcome) => outcome.startsWith('cancel: refused'))).toEqual([]);
    expect(calls.auditActions().filter((action) => action === 'cancelled' || action === 'operator_cancel')).toEqual(['cancelled']);
  });
});

it('cancel during the transfer (requestTransfer in flight): refused with the reason in status; the transfer finishes and the transaction completes', async () => {
  const transferAnswer = gate<TransferState>();
  const { activities, calls } = stubActivities({ requestTransfer: () => transferAnswer.promise });
  const input = transactionInput();
  await withWorkers(activities, async (scope) => {
    const handle = await startTransaction(scope, input);
    const [request] = await callsWhen(calls, 'requestTransfer');
    await handle.cancel();
    const refused = await viewWhen(handle, 'the cancel refused', (view) => view.cancelRefusedReason !== null);
    expect(refused).toMatchObject({ status: 'processing', stage: 'transferring', cancelRefusedReason: TRANSFER_UNDER_WAY });
    expect(outcomes(refused)).toEqual([`cancel: refused: ${TRANSFER_UNDER_WAY}`]);
    expect(refused.decisions[0]).toMatchObject({ operator: 'temporal-cancel', note: 'cancelled through Temporal' });

    transferAnswer.open(transferState(request, 'trf-done', 'completed'));
    await runClosed(handle);
    const view = await statusOf(handle);
    expect(view).toMatchObject({
      status: 'completed',
      stage: 'completed',
      reason: null,
      transfer: { id: 'trf-done', status: 'completed' },
      cancelRefusedReason: TRANSFER_UNDER_WAY,
    });
    expect(outcomes(view)).toEqual([`cancel: refused: ${TRANSFER_UNDER_WAY}`]);
    expect(statusWrites(calls)).toEqual(['completed/-']);
    expect(calls.of('requestTransfer')).toHaveLength(1);
    expect(calls.of('releaseTicketOfTransaction')).toEqual([]);
  });
});

it('cancel and resolve reject after a transfer whose outcome is unknown: both refused, nothing released; retryTransfer learns the outcome and it completes', async () => {
  // Not a MoniMe rejection (here a key conflict): the request may have reached MoniMe.
  const { activities, calls } = stubActivities({
    requestTransfer: async (input) => {
      if (calls.of('requestTransfer').length === 1)
        throw monimeFailure('MonimeIdempotencyConflict', 'idempotency key reused with another body', 409);
      return transferState(input, 'trf-known', 'completed');
    },
  });
  const input = transactionInput();
  await withWorkers(activities, async (scope) => {
    const handle = await startTransaction(scope, input);
    await viewWhen(handle, 'transfer_failed', (view) => view.reason === 'transfer_failed' && view.stage === 'awaiting_operator');

    await handle.cancel();
    await viewWhen(handle, 'the cancel refused', (view) => view.cancelRefusedReason !== null);
    await handle.signal(resolveSignal, { decision: 'reject', note: 'give up', operator: 'musa' });
    const refused = await viewWhen(handle, 'two refusals', (view) => view.decisions.length === 2);
    expect(refused).toMatchObject({ status: 'needs_attention', reason: 'transfer_failed', stage: 'awaiting_operator' });
    // Refused by the transfer guard ("under way") or by the operator wait (TRANSFER_MAY_EXIST).
    expect(outcomes(refused)[0]).toMatch(/^cancel: refused: /);
    expect(outcomes(refused)[1]).toBe(`resolve: refused: ${TRANSFER_MAY_EXIST}`);
    expect(calls.of('releaseTicketOfTransaction')).toEqual([]);

    await handle.signal(retryTransferSignal, { operator: 'musa' });
    await runClosed(handle);
    const view = await statusOf(handle);
    expect(view).toMatchObject({
      status: 'completed',
      stage: 'completed',
      attempts: 2,
      transfer: { id: 'trf-known', status: 'completed', round: 0 },
    });
    expect(outcomes(view).at(-1)).toBe('retryTransfer: transfer retried (round 0)');
    expect(calls.of('requestTransfer').map((call) => call.round)).toEqual([0, 0]);
    expect(calls.of('releaseTicketOfTransaction')).toEqual([]);
    expect(statusWrites(calls)).toEqual(['needs_attention/transfer_failed', 'processing/-', 'completed/-']);
  });
});
