/**
 * Behaviour of processTransaction that looked wrong, found while covering its branches.
 * [finding] tests pin what the code still does and say what to expect once it is changed;
 * the others were fixed in the second safety pass.
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

it('MoniMe answering `pending` with no transfer id spends nothing: the round and its key are kept, and the retry asks the same key', async () => {
  let asked = 0;
  const { activities, calls } = stubActivities({
    requestTransfer: async (input) => {
      asked += 1;
      return asked === 1 ? transferState(input, null, 'pending') : transferState(input, 'trf-r0', 'completed');
    },
  });
  const input = transactionInput();
  await withWorkers(activities, async (scope) => {
    const handle = await startTransaction(scope, input);
    const unconfirmed = await viewWhen(
      handle,
      'transfer_failed',
      (view) => view.reason === 'transfer_failed' && view.stage === 'awaiting_operator',
    );
    expect(unconfirmed).toMatchObject({
      status: 'needs_attention',
      lastError: 'MoniMe answered pending without a transfer id',
      transfer: { id: null, status: 'pending', round: 0 },
    });

    await handle.signal(retryTransferSignal, { operator: 'ada' });
    await runClosed(handle);
    expect(await statusOf(handle)).toMatchObject({
      status: 'completed',
      transfer: { id: 'trf-r0', round: 0, idempotencyKey: transferIdempotencyKey(input.transactionId, 0) },
    });
    expect(calls.of('requestTransfer').map((call) => call.round)).toEqual([0, 0]);
  });
});
