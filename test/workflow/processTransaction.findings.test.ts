/**
 * Behaviour of processTransaction that looks wrong, found while covering its branches and
 * reported rather than changed. Each test pins what the code does (the same before and after
 * it was split into workflows/transaction/), says what to expect once it is fixed, and will
 * fail then: update it with the fix.
 */
import { retryTransferSignal, transferIdempotencyKey, type ApplyPaymentResult } from '../../contract';
import {
  TRANSFER_UNDER_WAY,
  appliedFacts,
  callsWhen,
  gate,
  runClosed,
  startTransaction,
  statusOf,
  stubActivities,
  transactionInput,
  transferState,
  viewWhen,
} from './support/transaction';
import { useWorkflowTesting } from './support/workflowWorkers';

const { withWorkers } = useWorkflowTesting();

it('[finding] a cancel that arrives while applyPayment (a local activity) runs is refused, and the money moves', async () => {
  const applying = gate<ApplyPaymentResult>();
  const { activities, calls } = stubActivities({ applyPayment: () => applying.promise });
  const input = transactionInput();
  await withWorkers(activities, async (scope) => {
    const handle = await startTransaction(scope, input);
    await callsWhen(calls, 'applyPayment');
    await handle.cancel();
    applying.open({ ...appliedFacts(input.transactionId), outcome: 'applied' });
    await runClosed(handle);

    // The cancel reaches the workflow only in the task after the one that ran the local
    // activity, and that task already scheduled requestTransfer: the "cancel requested while
    // applying?" check runs too early, and the transfer guard refuses a cancel that was asked
    // before any money could move. (A local activity longer than the workflow task heartbeat,
    // about 8 s, would let the cancel in earlier.)
    // Once fixed: the run ends cancelled, the ticket is released, no requestTransfer.
    const view = await statusOf(handle);
    expect(view).toMatchObject({
      status: 'completed',
      stage: 'completed',
      cancelRefusedReason: TRANSFER_UNDER_WAY,
      transfer: { status: 'completed' },
    });
    expect(calls.of('requestTransfer')).toHaveLength(1);
    expect(calls.of('releaseTicketOfTransaction')).toEqual([]);
  });
});

it('[finding] MoniMe answering `pending` with no transfer id is taken as `failed`: the key is spent and the retry uses round 1', async () => {
  const { activities, calls } = stubActivities({
    requestTransfer: async (input) =>
      input.round === 0 ? transferState(input, null, 'pending') : transferState(input, 'trf-r1', 'completed'),
  });
  const input = transactionInput();
  await withWorkers(activities, async (scope) => {
    const handle = await startTransaction(scope, input);
    // With no id there is nothing to wait for or poll, so the loop ends and the attempt is
    // treated as one MoniMe reported `failed`: transfer_failed with lastError "transfer failed",
    // and the next attempt runs under the round-1 key — a second transfer if the first was in
    // fact pending. Once fixed: the round-0 key again (or a check of that key), never round 1.
    const failed = await viewWhen(
      handle,
      'transfer_failed',
      (view) => view.reason === 'transfer_failed' && view.stage === 'awaiting_operator',
    );
    expect(failed).toMatchObject({
      status: 'needs_attention',
      lastError: 'transfer failed',
      transfer: { id: null, status: 'pending', round: 0 },
    });
    expect(calls.of('checkTransfer')).toEqual([]);

    await handle.signal(retryTransferSignal, { operator: 'ada' });
    await runClosed(handle);
    expect(await statusOf(handle)).toMatchObject({
      status: 'completed',
      transfer: { id: 'trf-r1', round: 1, idempotencyKey: transferIdempotencyKey(input.transactionId, 1) },
    });
    expect(calls.of('requestTransfer').map((call) => call.round)).toEqual([0, 1]);
  });
});
