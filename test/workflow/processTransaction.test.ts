/**
 * processTransaction on stubbed activities: the straight path and MoniMe's asynchronous
 * answers (webhook, polling, stall — by its own timer, or by the sweeper's signal). Operator
 * paths: processTransaction.operator.test.ts; cancellation: processTransaction.cancel.test.ts.
 */
import { WorkflowNotFoundError } from '@temporalio/client';
import {
  resolveSignal,
  retryTransferSignal,
  stallDetectedSignal,
  stallWatchQuery,
  transferIdempotencyKey,
  transferUpdateSignal,
  workflowIdForTransaction,
} from '../../contract';
import {
  COMMISSION,
  DESTINATION,
  NET,
  PAID,
  amountMismatch,
  monimeFailure,
  startTransaction,
  statusOf,
  statusWrites,
  stubActivities,
  transactionInput,
  transferState,
  viewWhen,
  type TransactionHandle,
} from './support/transaction';
import { waitFor } from '../support/waitFor';
import { useWorkflowTesting } from './support/workflowWorkers';

const { withWorkers } = useWorkflowTesting();

it('happy path: the payment applies, MoniMe completes the transfer of net at once, the transaction completes', async () => {
  const { activities, calls } = stubActivities();
  const input = transactionInput();
  await withWorkers(activities, async (scope) => {
    const view = await (await startTransaction(scope, input)).result();

    expect(view).toEqual({
      transactionId: input.transactionId,
      status: 'completed',
      stage: 'completed',
      reason: null,
      ticketId: `tkt-${input.transactionId}`,
      companyId: 'cmp-test',
      amount: PAID,
      expectedAmount: PAID,
      commission: COMMISSION,
      net: NET,
      transfer: {
        id: `trf-${input.transactionId}-0`,
        status: 'completed',
        idempotencyKey: transferIdempotencyKey(input.transactionId, 0),
        round: 0,
      },
      attempts: 1,
      lastError: null,
      decisions: [],
      cancelRefusedReason: null,
    });
    expect(calls.of('applyPayment')).toEqual([
      {
        transactionId: input.transactionId,
        workflowId: workflowIdForTransaction(input.transactionId),
        eventId: input.eventId,
        paymentCodeId: input.paymentCodeId,
        amount: PAID,
      },
    ]);
    expect(calls.of('requestTransfer')).toEqual([
      {
        transactionId: input.transactionId,
        round: 0,
        net: { currency: 'SLE', value: NET },
        destinationAccountId: DESTINATION,
        giveUpAfterMinutes: 5,
      },
    ]);
    expect(calls.of('setTransactionStatus')).toEqual([{ transactionId: input.transactionId, status: 'completed', reason: null }]);
    for (const name of ['acceptPayment', 'checkTransfer', 'recordTransferUpdate', 'releaseTicketOfTransaction'] as const) {
      expect(calls.of(name)).toEqual([]);
    }
    expect(calls.auditActions()).toEqual(['received', 'applied', 'transfer_requested', 'transfer_completed', 'completed']);
  });
});

it('pending, then the internal_transfer.completed webhook: the update is recorded and the transaction completes, without a poll', async () => {
  const { activities, calls } = stubActivities({ requestTransfer: async (input) => transferState(input, 'trf-pending', 'pending') });
  const input = transactionInput();
  await withWorkers(activities, async (scope) => {
    const handle = await startTransaction(scope, input);
    const waiting = await viewWhen(handle, 'awaiting the transfer', (view) => view.stage === 'awaiting_transfer');
    expect(waiting).toMatchObject({ status: 'processing', reason: null, transfer: { id: 'trf-pending', status: 'pending', round: 0 } });

    // Not final, or about another transfer: kept out of the decision.
    await handle.signal(transferUpdateSignal, { transferId: 'trf-pending', status: 'processing' });
    await handle.signal(transferUpdateSignal, { transferId: 'trf-other', status: 'completed' });
    await handle.signal(transferUpdateSignal, { transferId: 'trf-pending', status: 'completed', eventId: 'evt-transfer' });
    const view = await handle.result();

    expect(view).toMatchObject({
      status: 'completed',
      stage: 'completed',
      transfer: { id: 'trf-pending', status: 'completed', round: 0 },
      attempts: 1,
    });
    expect(calls.of('recordTransferUpdate')).toEqual([
      { transactionId: input.transactionId, round: 0, transferId: 'trf-pending', status: 'completed', failureReason: null },
    ]);
    expect(calls.of('checkTransfer')).toEqual([]);
    expect(statusWrites(calls)).toEqual(['completed/-']);
  });
});

it('pending and no webhook: MoniMe is polled after transferPollAfterSeconds, again after a failed poll, and the transaction completes', async () => {
  let polls = 0;
  const { activities, calls } = stubActivities({
    requestTransfer: async (input) => transferState(input, 'trf-polled', 'pending'),
    checkTransfer: async (input) => {
      polls += 1;
      if (polls === 1) throw monimeFailure('MonimeRejected', '404 internal transfer not found yet', 404);
      return transferState(input, input.transferId, 'completed');
    },
  });
  const input = transactionInput({ transferPollAfterSeconds: 1 });
  await withWorkers(activities, async (scope) => {
    const handle = await startTransaction(scope, input);
    const afterFailedPoll = await viewWhen(handle, 'a failed poll', (view) => view.lastError !== null);
    expect(afterFailedPoll).toMatchObject({ status: 'processing', stage: 'awaiting_transfer', transfer: { status: 'pending' } });
    expect(afterFailedPoll.lastError).toContain('404 internal transfer not found yet');

    const view = await handle.result();
    expect(view).toMatchObject({
      status: 'completed',
      stage: 'completed',
      transfer: { id: 'trf-polled', status: 'completed', round: 0 },
      attempts: 1,
    });
    expect(calls.of('checkTransfer')).toEqual([
      { transactionId: input.transactionId, round: 0, transferId: 'trf-polled' },
      { transactionId: input.transactionId, round: 0, transferId: 'trf-polled' },
    ]);
    expect(calls.of('recordTransferUpdate')).toEqual([]);
    expect(calls.of('requestTransfer')).toHaveLength(1);
  });
});

it('pending: retryTransfer asks MoniMe for the status at once instead of waiting for the poll', async () => {
  const { activities, calls } = stubActivities({ requestTransfer: async (input) => transferState(input, 'trf-asked', 'pending') });
  const input = transactionInput();
  await withWorkers(activities, async (scope) => {
    const handle = await startTransaction(scope, input);
    await viewWhen(handle, 'awaiting the transfer', (view) => view.stage === 'awaiting_transfer');
    await handle.signal(retryTransferSignal, { operator: 'ada', note: 'customer called' });
    const view = await handle.result();

    expect(view).toMatchObject({ status: 'completed', transfer: { id: 'trf-asked', status: 'completed', round: 0 }, attempts: 1 });
    expect(view.decisions).toEqual([
      {
        kind: 'retryTransfer',
        operator: 'ada',
        note: 'customer called',
        outcome: 'the transfer is asked again for its status',
        at: expect.any(String),
      },
    ]);
    expect(calls.of('checkTransfer')).toEqual([{ transactionId: input.transactionId, round: 0, transferId: 'trf-asked' }]);
    expect(calls.of('requestTransfer')).toHaveLength(1);
  });
});

it('a failed webhook spends the idempotency key: transfer_failed, and the retried transfer is round 1 with a new key', async () => {
  const { activities, calls } = stubActivities({
    requestTransfer: async (input) =>
      input.round === 0 ? transferState(input, 'trf-r0', 'pending') : transferState(input, 'trf-r1', 'completed'),
  });
  const input = transactionInput();
  await withWorkers(activities, async (scope) => {
    const handle = await startTransaction(scope, input);
    await viewWhen(handle, 'awaiting the transfer', (view) => view.stage === 'awaiting_transfer');
    await handle.signal(transferUpdateSignal, { transferId: 'trf-r0', status: 'failed', failureReason: 'destination wallet frozen' });

    const failed = await viewWhen(
      handle,
      'transfer_failed',
      (view) => view.reason === 'transfer_failed' && view.stage === 'awaiting_operator',
    );
    expect(failed).toMatchObject({
      status: 'needs_attention',
      lastError: 'destination wallet frozen',
      transfer: { id: 'trf-r0', status: 'failed', round: 0 },
    });
    expect(calls.of('recordTransferUpdate')).toEqual([
      { transactionId: input.transactionId, round: 0, transferId: 'trf-r0', status: 'failed', failureReason: 'destination wallet frozen' },
    ]);

    await handle.signal(retryTransferSignal, { operator: 'ada' });
    const view = await handle.result();
    expect(view).toMatchObject({
      status: 'completed',
      attempts: 2,
      transfer: { id: 'trf-r1', status: 'completed', round: 1, idempotencyKey: transferIdempotencyKey(input.transactionId, 1) },
    });
    expect(view.decisions.map((decision) => decision.outcome)).toEqual(['transfer retried (round 1)']);
    expect(calls.of('requestTransfer').map((call) => call.round)).toEqual([0, 1]);
    expect(statusWrites(calls)).toEqual(['needs_attention/transfer_failed', 'processing/-', 'completed/-']);
  });
});

it('stall, timer mode (an input without stallWatch, as every run before the sweeper): a transfer left pending past stallTimeoutSeconds becomes needs_attention/stalled; retryTransfer then polls and completes it', async () => {
  const { activities, calls } = stubActivities({ requestTransfer: async (input) => transferState(input, 'trf-stuck', 'pending') });
  const input = transactionInput({ stallTimeoutSeconds: 2 });
  await withWorkers(activities, async (scope) => {
    const handle = await startTransaction(scope, input);
    const stalled = await viewWhen(handle, 'stalled', (view) => view.reason === 'stalled');
    expect(stalled).toMatchObject({
      status: 'needs_attention',
      stage: 'awaiting_transfer',
      transfer: { id: 'trf-stuck', status: 'pending' },
    });
    expect(calls.of('setTransactionStatus')).toEqual([
      { transactionId: input.transactionId, status: 'needs_attention', reason: 'stalled' },
    ]);
    expect(calls.of('checkTransfer')).toEqual([]);

    // Stalled is not "waiting for an operator": resolve does not apply, retryTransfer polls.
    await handle.signal(resolveSignal, { decision: 'reject', note: 'too slow', operator: 'ada' });
    await handle.signal(retryTransferSignal, { operator: 'ada', note: 'ask MoniMe' });
    const view = await handle.result();

    expect(view).toMatchObject({ status: 'completed', stage: 'completed', reason: null, transfer: { status: 'completed' } });
    expect(view.decisions.map((decision) => `${decision.kind}: ${decision.outcome}`)).toEqual([
      'resolve: ignored: the transaction is awaiting_transfer, not waiting for an operator',
      'retryTransfer: the transfer is asked again for its status',
    ]);
    expect(calls.of('checkTransfer')).toHaveLength(1);
    expect(calls.of('releaseTicketOfTransaction')).toEqual([]);
    expect(statusWrites(calls)).toEqual(['needs_attention/stalled', 'completed/-']);
    expect(calls.auditActions()).toContain('needs_attention');
  });
});

it('stall timer: a transaction already waiting for an operator is not marked stalled', async () => {
  const { activities, calls } = stubActivities({ applyPayment: async (input) => amountMismatch(input.transactionId) });
  const input = transactionInput({ stallTimeoutSeconds: 1 });
  await withWorkers(activities, async (scope) => {
    const handle = await startTransaction(scope, input);
    await viewWhen(handle, 'awaiting an operator', (view) => view.stage === 'awaiting_operator');
    // The stall timer is the workflow's only timer: wait until its firing is in the history.
    await waitForTimerFiredAndSeen(handle);
    expect(await statusOf(handle)).toMatchObject({ status: 'needs_attention', reason: 'amount_mismatch', stage: 'awaiting_operator' });
    expect(statusWrites(calls)).toEqual(['needs_attention/amount_mismatch']);

    // The sweeper's signal to a run on its timer is recorded and changes nothing; the run says it does not wait for one.
    await handle.signal(stallDetectedSignal);
    await handle.signal(resolveSignal, { decision: 'accept', note: 'approved', operator: 'ada' });
    expect(await handle.result()).toMatchObject({ status: 'completed' });
    expect(await handle.query(stallWatchQuery)).toMatchObject({ awaitsSignal: false });
    expect(statusWrites(calls)).toEqual(['needs_attention/amount_mismatch', 'processing/-', 'completed/-']);
  });
});

it('stall, sweeper mode: no stall timer; a signal before the stall time is ignored, the first one after marks it stalled, a repeat changes nothing', async () => {
  const { activities, calls } = stubActivities({ requestTransfer: async (input) => transferState(input, 'trf-stuck', 'pending') });
  const input = transactionInput({ stallWatch: 'sweeper', stallTimeoutSeconds: 2 });
  await withWorkers(activities, async (scope) => {
    const handle = await startTransaction(scope, input);
    await viewWhen(handle, 'awaiting the transfer', (view) => view.stage === 'awaiting_transfer');
    const watch = await handle.query(stallWatchQuery);
    expect(watch.awaitsSignal).toBe(true);
    expect(Date.parse(watch.dueAt) - (await handle.describe()).startTime.getTime()).toBe(2_000);

    // Early (a sweeper with a shorter STALL_TIMEOUT_SECONDS than this run's): nothing, now or once the time has come.
    await handle.signal(stallDetectedSignal);
    await new Promise((resolve) => setTimeout(resolve, Math.max(Date.parse(watch.dueAt) - Date.now(), 0) + 1_000));
    expect(await statusOf(handle)).toMatchObject({ status: 'processing', reason: null, stage: 'awaiting_transfer' });

    await handle.signal(stallDetectedSignal);
    const stalled = await viewWhen(handle, 'stalled', (view) => view.reason === 'stalled');
    expect(stalled).toMatchObject({
      status: 'needs_attention',
      stage: 'awaiting_transfer',
      transfer: { id: 'trf-stuck', status: 'pending' },
    });
    await waitFor(() => (calls.auditActions().includes('needs_attention') ? true : undefined), { what: 'the stall audited' });
    expect(await handle.query(stallWatchQuery)).toMatchObject({ awaitsSignal: false });

    // A repeat (visibility lagging behind, a second sweeper) is recorded, and changes nothing.
    await handle.signal(stallDetectedSignal);
    await handle.signal(retryTransferSignal, { operator: 'ada', note: 'ask MoniMe' });
    const view = await handle.result();

    expect(view).toMatchObject({ status: 'completed', stage: 'completed', reason: null, transfer: { status: 'completed' } });
    expect(statusWrites(calls)).toEqual(['needs_attention/stalled', 'completed/-']);
    expect(calls.auditActions().filter((action) => action === 'needs_attention')).toHaveLength(1);
    const events = (await handle.fetchHistory()).events ?? [];
    expect(events.filter((event) => event.workflowExecutionSignaledEventAttributes?.signalName === 'stallDetected')).toHaveLength(3);
    // The only timer is the pending transfer's poll (transferPollAfterSeconds), none of stallTimeoutSeconds.
    const timers = events.flatMap((event) =>
      event.timerStartedEventAttributes ? [Number(event.timerStartedEventAttributes.startToFireTimeout?.seconds)] : [],
    );
    expect(timers).toEqual([input.settings.transferPollAfterSeconds]);
  });
});

it('stall, sweeper mode: a signal while the transaction waits for an operator, or once it completed, changes nothing', async () => {
  const { activities, calls } = stubActivities({ applyPayment: async (input) => amountMismatch(input.transactionId) });
  const input = transactionInput({ stallWatch: 'sweeper', stallTimeoutSeconds: 1 });
  await withWorkers(activities, async (scope) => {
    const handle = await startTransaction(scope, input);
    await viewWhen(handle, 'awaiting an operator', (view) => view.stage === 'awaiting_operator');
    const { dueAt } = await handle.query(stallWatchQuery);
    await new Promise((resolve) => setTimeout(resolve, Math.max(Date.parse(dueAt) - Date.now(), 0) + 200));

    await handle.signal(stallDetectedSignal);
    await waitFor(async () => ((await handle.query(stallWatchQuery)).awaitsSignal ? undefined : true), { what: 'the stall check made' });
    expect(await statusOf(handle)).toMatchObject({ status: 'needs_attention', reason: 'amount_mismatch', stage: 'awaiting_operator' });

    await handle.signal(resolveSignal, { decision: 'accept', note: 'approved', operator: 'ada' });
    expect(await handle.result()).toMatchObject({ status: 'completed', reason: null });
    // Temporal refuses a signal to a closed run; the sweeper skips it.
    await expect(handle.signal(stallDetectedSignal)).rejects.toBeInstanceOf(WorkflowNotFoundError);
    expect(statusWrites(calls)).toEqual(['needs_attention/amount_mismatch', 'processing/-', 'completed/-']);
    expect(calls.auditActions().filter((action) => action === 'needs_attention')).toHaveLength(1); // the mismatch's only
    const events = (await handle.fetchHistory()).events ?? [];
    expect(events.filter((event) => event.workflowExecutionSignaledEventAttributes?.signalName === 'stallDetected')).toHaveLength(1);
    expect(events.filter((event) => event.timerStartedEventAttributes)).toEqual([]);
  });
});

/** Until the history shows the stall timer fired and a workflow task after it completed. */
async function waitForTimerFiredAndSeen(handle: TransactionHandle): Promise<void> {
  await waitFor(
    async () => {
      const events = (await handle.fetchHistory()).events ?? [];
      const fired = events.findIndex((event) => event.timerFiredEventAttributes);
      return fired >= 0 && events.slice(fired).some((event) => event.workflowTaskCompletedEventAttributes) ? true : undefined;
    },
    { what: 'the stall timer fired and the workflow saw it' },
  );
}
