/**
 * processTransaction on stubbed activities: the money-safety rules of the second pass —
 * "money may have moved" is cleared only by MoniMe's answer for the round's key, an operator
 * message answers the situation it was sent in, and a run for a settled payment changes
 * nothing.
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import {
  resolveSignal,
  retryTransferSignal,
  workflowIdForTransaction,
  workflowTypes,
  type ProcessTransactionWorkflow,
  type SetTransactionStatusInput,
  type StatusChange,
  type TransferState,
} from '../../contract';
import { waitFor } from '../support/waitFor';
import {
  amountMismatch,
  appliedFacts,
  gate,
  startTransaction,
  stubActivities,
  transactionInput,
  transferState,
  viewWhen,
  type TransactionHandle,
} from './support/transaction';

type History = Awaited<ReturnType<TransactionHandle['fetchHistory']>>;

/** The second `resolve` was signalled and a workflow task (the heartbeat of the slow one) took it in. */
function signalTakenInWhileWriting(history: History): boolean {
  const events = history.events ?? [];
  const resolves = events.flatMap((event, index) =>
    event.workflowExecutionSignaledEventAttributes?.signalName === 'resolve' ? [index] : [],
  );
  const second = resolves[1];
  return second !== undefined && events.slice(second).some((event) => event.workflowTaskCompletedEventAttributes);
}
import { useWorkflowTesting } from './support/workflowWorkers';

const { withWorkers } = useWorkflowTesting();

const outcomes = (view: { decisions: Array<{ kind: string; outcome: string }> }) =>
  view.decisions.map((decision) => `${decision.kind}: ${decision.outcome}`);

/** What activities/transfers.ts throws for a MoniMe 4xx: non-retryable, with the attempt it happened on. */
const monimeRefused = (status: number) =>
  ApplicationFailure.create({
    type: 'MonimeRejected',
    message: `MoniMe answered ${status}`,
    nonRetryable: true,
    details: [{ httpStatus: status, reason: null, attempt: Context.current().info.attempt }],
  });

it('a 4xx after an attempt that timed out leaves "money may have moved" set: reject and cancel are refused, retryTransfer learns the outcome', async () => {
  // Attempt 1 reaches MoniMe and its answer is lost (it outlives its 1 s timeout); attempt 2 gets 401.
  const firstAttemptHangs = gate<void>();
  const input = transactionInput({ transferAttemptTimeoutSeconds: 1 });
  let requests = 0;
  const { activities, calls } = stubActivities({
    requestTransfer: async (request): Promise<TransferState> => {
      requests += 1;
      if (requests === 1) {
        await firstAttemptHangs.promise;
        return transferState(request, `trf-${request.transactionId}`, 'completed');
      }
      if (requests === 2) throw monimeRefused(401);
      // MoniMe's idempotency: the same key returns the transfer the first attempt made.
      return transferState(request, `trf-${request.transactionId}`, 'completed');
    },
  });
  await withWorkers(activities, async (scope) => {
    const handle = await startTransaction(scope, input);
    await viewWhen(
      handle,
      'transfer failed, awaiting an operator',
      (view) => view.reason === 'transfer_failed' && view.stage === 'awaiting_operator',
    );
    firstAttemptHangs.open();

    await handle.signal(resolveSignal, { decision: 'reject', note: 'refund', operator: 'ada' });
    const afterReject = await viewWhen(handle, 'the reject answered', (view) => view.decisions.length === 1);
    expect(outcomes(afterReject)).toEqual([
      'resolve: refused: a transfer may have reached MoniMe; retryTransfer first to learn its outcome',
    ]);
    expect(afterReject).toMatchObject({ status: 'needs_attention', reason: 'transfer_failed' });
    expect(calls.of('releaseTicketOfTransaction')).toEqual([]);

    await handle.signal(retryTransferSignal, { operator: 'ada', note: 'ask MoniMe' });
    const view = await handle.result();
    expect(view).toMatchObject({ status: 'completed', transfer: { status: 'completed', round: 0 } });
    expect(calls.of('requestTransfer').map((request) => request.round)).toEqual([0, 0, 0]);
  });
});

it('a 4xx on the first attempt moved nothing: reject is allowed', async () => {
  const { activities, calls } = stubActivities({
    requestTransfer: async () => {
      throw monimeRefused(422);
    },
  });
  const input = transactionInput();
  await withWorkers(activities, async (scope) => {
    const handle = await startTransaction(scope, input);
    await viewWhen(handle, 'awaiting an operator', (view) => view.reason === 'transfer_failed' && view.stage === 'awaiting_operator');
    await handle.signal(resolveSignal, { decision: 'reject', note: 'refund', operator: 'ada' });
    const view = await handle.result();
    expect(view).toMatchObject({ status: 'cancelled', stage: 'rejected' });
    expect(calls.of('releaseTicketOfTransaction')).toEqual([input.transactionId]);
  });
});

it('a reject sent while an accept is being applied is not taken as the answer to the next operator case', async () => {
  const acceptBeingWritten = gate<void>();
  let accepted = false;
  const input = transactionInput();
  const { activities, calls } = stubActivities({
    applyPayment: async (request) => amountMismatch(request.transactionId),
    acceptPayment: async (transactionId) => {
      accepted = true;
      return { accepted: true, facts: appliedFacts(transactionId) };
    },
    setTransactionStatus: async (change: SetTransactionStatusInput): Promise<StatusChange> => {
      // The write that follows the accept is slow: the operator's second message comes meanwhile.
      if (accepted && change.status === 'processing') await acceptBeingWritten.promise;
      return { applied: true, current: change.status };
    },
    requestTransfer: async () => {
      throw monimeRefused(422);
    },
  });
  await withWorkers(activities, async (scope) => {
    // A slow local activity holds the workflow task open; the SDK heartbeats it at 80% of this
    // timeout, and signals that came meanwhile are delivered then — while the write still runs.
    const handle = scope.track(
      await scope.client.workflow.start<ProcessTransactionWorkflow>(workflowTypes.processTransaction, {
        taskQueue: scope.taskQueue,
        workflowId: workflowIdForTransaction(input.transactionId),
        args: [input],
        workflowTaskTimeout: '2 seconds',
      }),
    );
    await viewWhen(handle, 'awaiting an operator', (view) => view.stage === 'awaiting_operator');
    await handle.signal(resolveSignal, { decision: 'accept', note: 'paid the old fare', operator: 'ada' });
    await waitFor(() => (accepted ? true : undefined), { what: 'the accept applied' });
    await handle.signal(resolveSignal, { decision: 'reject', note: 'changed my mind', operator: 'musa' });
    await waitFor(async () => (signalTakenInWhileWriting(await handle.fetchHistory()) ? true : undefined), {
      what: 'the reject delivered while the write runs',
    });
    acceptBeingWritten.open();

    const view = await viewWhen(
      handle,
      'the transfer failed and the stale reject answered',
      (current) => current.reason === 'transfer_failed' && current.decisions.length >= 2,
    );
    expect(outcomes(view)).toEqual([
      'resolve: accepted: ticket issued for the amount paid',
      'resolve: ignored: sent for an earlier situation that has since been settled',
    ]);
    expect(view).toMatchObject({ status: 'needs_attention', stage: 'awaiting_operator' });
    expect(calls.of('releaseTicketOfTransaction')).toEqual([]);
    await handle.terminate('test over');
  });
});

it('a run that finds its payment settled writes no status and asks MoniMe nothing', async () => {
  const input = transactionInput();
  const { activities, calls } = stubActivities({
    applyPayment: async (request) => ({
      ...appliedFacts(request.transactionId),
      status: 'completed',
      outcome: 'settled',
      transferRound: 1,
    }),
  });
  await withWorkers(activities, async (scope) => {
    const handle = await startTransaction(scope, input);
    const view = await handle.result();
    expect(view).toMatchObject({ status: 'completed', stage: 'completed' });
    expect(calls.of('setTransactionStatus')).toEqual([]);
    expect(calls.of('requestTransfer')).toEqual([]);
    expect(calls.auditActions()).toEqual(['received', 'found_settled']);
  });
});

it('a run that finds an unfinished transfer in round 1 resumes there, never under the round-0 key', async () => {
  const input = transactionInput();
  const { activities, calls } = stubActivities({
    applyPayment: async (request) => ({ ...appliedFacts(request.transactionId), outcome: 'applied', transferRound: 1 }),
  });
  await withWorkers(activities, async (scope) => {
    const handle = await startTransaction(scope, input);
    await handle.result();
    expect(calls.of('requestTransfer').map((request) => request.round)).toEqual([1]);
  });
});
