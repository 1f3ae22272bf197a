/**
 * processTransaction on stubs: its input, activity stubs that record every call, and the
 * `status` query awaited until it shows what a test expects. Only the workflow's public
 * surface is used — its type, input, query, signals, activity names and arguments.
 */
import { randomUUID } from 'node:crypto';
import { Context } from '@temporalio/activity';
import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import {
  statusQuery,
  transferIdempotencyKey,
  workflowIdForTransaction,
  workflowTypes,
  type ApplyPaymentResult,
  type AuditEvent,
  type FareflowActivities,
  type Money,
  type ProcessTransactionInput,
  type ProcessTransactionWorkflow,
  type SetTransactionStatusInput,
  type TransactionFacts,
  type TransactionSettings,
  type TransactionStatusView,
  type TransferState,
} from '../../../contract';
import { waitFor } from '../../support/waitFor';
import type { WorkerScope } from './workflowWorkers';

export const PAID: Money = { currency: 'SLE', value: 15_000 };
export const COMMISSION = 750;
export const NET = 14_250;
export const DESTINATION = 'fac-company-test';

/** Long poll and stall times unless a test shortens them: nothing happens behind a test's back. */
export const SETTINGS: TransactionSettings = {
  stallTimeoutSeconds: 3_600,
  transferPollAfterSeconds: 3_600,
  transferGiveUpAfterMinutes: 5,
  transferAttemptTimeoutSeconds: 20,
  auditShards: 1,
  auditBatchSize: 100,
  auditFlushMs: 50,
};

export function transactionInput(settings: Partial<TransactionSettings> = {}): ProcessTransactionInput {
  const id = randomUUID().replace(/-/g, '').slice(0, 12);
  return {
    transactionId: `pay-${id}`,
    paymentCodeId: `pmc-${id}`,
    amount: PAID,
    eventId: `evt-${id}`,
    paidAt: new Date().toISOString(),
    settings: { ...SETTINGS, ...settings },
  };
}

/** What the database knows of a payment applied to its reserved ticket. */
export function appliedFacts(transactionId: string): TransactionFacts {
  return {
    transactionId,
    status: 'processing',
    reason: null,
    ticketId: `tkt-${transactionId}`,
    companyId: 'cmp-test',
    commission: COMMISSION,
    net: NET,
    destinationAccountId: DESTINATION,
    expectedAmount: PAID,
  };
}

/** A payment that could not be applied: 15,000 paid for a 20,000 ticket. */
export function amountMismatch(transactionId: string): ApplyPaymentResult {
  return {
    ...appliedFacts(transactionId),
    outcome: 'needs_attention',
    status: 'needs_attention',
    reason: 'amount_mismatch',
    commission: null,
    net: null,
    expectedAmount: { currency: 'SLE', value: 20_000 },
  };
}

export const transferState = (
  input: { transactionId: string; round: number },
  transferId: string | null,
  status: TransferState['status'],
  failureReason: string | null = null,
): TransferState => ({
  transferId,
  status,
  failureReason,
  idempotencyKey: transferIdempotencyKey(input.transactionId, input.round),
});

/**
 * A MoniMe failure as the transfer activities report it (monime/errors.ts): its type, not
 * retryable, and details with the HTTP status and the activity attempt it happened on.
 */
export function monimeFailure(
  type: 'MonimeRejected' | 'MonimeIdempotencyConflict',
  message: string,
  httpStatus: number,
): ApplicationFailure {
  return ApplicationFailure.create({
    type,
    message,
    nonRetryable: true,
    details: [{ httpStatus, reason: null, attempt: Context.current().info.attempt }],
  });
}

export type Activities = FareflowActivities;
export type ActivityName = keyof Activities;
type InputOf<K extends ActivityName> = Parameters<Activities[K]>[0];

export interface Recorded {
  /** Every call in order, as `name` and first argument. */
  all: Array<{ name: ActivityName; input: unknown }>;
  /** The first argument of each call to `name`, in order. */
  of<K extends ActivityName>(name: K): InputOf<K>[];
  /** Audit events the workflow published (the batcher is not running, so they come by activity). */
  auditActions(): string[];
}

/**
 * Stubs for every activity, recording each call before running it: by default a payment that
 * applies and a transfer MoniMe completes at once. `overrides` replace single activities.
 */
export function stubActivities(overrides: Partial<Activities> = {}): { activities: Partial<Activities>; calls: Recorded } {
  const all: Recorded['all'] = [];
  // What a transaction calls; an activity it does not call needs no stub.
  const defaults: Partial<Activities> = {
    applyPayment: async (input) => ({ ...appliedFacts(input.transactionId), outcome: 'applied' }),
    acceptPayment: async (transactionId) => ({ accepted: true, facts: appliedFacts(transactionId) }),
    // The row took the change (newer contracts answer with it; older workflows ignore the answer).
    setTransactionStatus: (async (input: SetTransactionStatusInput) => ({
      applied: true,
      current: input.status,
    })) as unknown as Activities['setTransactionStatus'],
    releaseTicketOfTransaction: async (transactionId) => ({ ticketId: `tkt-${transactionId}`, before: 'reserved' }),
    requestTransfer: async (input) => transferState(input, `trf-${input.transactionId}-${input.round}`, 'completed'),
    checkTransfer: async (input) => transferState(input, input.transferId, 'completed'),
    recordTransferUpdate: async () => undefined,
    // The audit batcher is not running, so the workflow's signal fails and it publishes by activity.
    publishAuditEvents: async () => undefined,
  };
  const merged = { ...defaults, ...overrides } as Record<ActivityName, (input: unknown) => Promise<unknown>>;
  const activities = Object.fromEntries(
    Object.entries(merged).map(([name, implementation]) => [
      name,
      async (input: unknown) => {
        // The status write that carries audit events publishes them after writing, as the real
        // activity does: recorded as the write, then the publish.
        const { audit, ...write } = (name === 'setTransactionStatus' ? input : {}) as Partial<SetTransactionStatusInput>;
        if (audit) {
          all.push({ name: name as ActivityName, input: write });
          all.push({ name: 'publishAuditEvents', input: audit });
          return implementation(write);
        }
        all.push({ name: name as ActivityName, input });
        return implementation(input);
      },
    ]),
  ) as Partial<Activities>;
  const calls: Recorded = {
    all,
    of: <K extends ActivityName>(name: K) => all.filter((call) => call.name === name).map((call) => call.input as InputOf<K>),
    auditActions: () =>
      calls
        .of('publishAuditEvents')
        .flatMap((input) => input.events)
        .sort((a: AuditEvent, b: AuditEvent) => a.sequence - b.sequence)
        .map((event) => event.action),
  };
  return { activities, calls };
}

/** A promise a stub waits on until the test settles it. */
export function gate<T>(): { promise: Promise<T>; open(value: T): void; fail(error: unknown): void } {
  let open!: (value: T) => void;
  let fail!: (error: unknown) => void;
  const promise = new Promise<T>((resolve, reject) => {
    open = resolve;
    fail = reject;
  });
  return { promise, open, fail };
}

export type TransactionHandle = WorkflowHandle<ProcessTransactionWorkflow>;

export async function startTransaction(scope: WorkerScope, input: ProcessTransactionInput): Promise<TransactionHandle> {
  const handle = await scope.client.workflow.start<ProcessTransactionWorkflow>(workflowTypes.processTransaction, {
    taskQueue: scope.taskQueue,
    workflowId: workflowIdForTransaction(input.transactionId),
    args: [input],
  });
  return scope.track(handle);
}

export const statusOf = (handle: TransactionHandle) => handle.query(statusQuery);

/** Polls the `status` query until `accept` holds; fails with the last view seen. */
export async function viewWhen(
  handle: TransactionHandle,
  what: string,
  accept: (view: TransactionStatusView) => boolean,
): Promise<TransactionStatusView> {
  let last: TransactionStatusView | undefined;
  try {
    return await waitFor(
      async () => {
        last = await statusOf(handle);
        return accept(last) ? last : undefined;
      },
      { what },
    );
  } catch (error) {
    throw new Error(`${(error as Error).message}; last status: ${JSON.stringify(last)}`);
  }
}

/** Awaits a recorded activity call (`count` of them), so a test acts at the right moment. */
export function callsWhen<K extends ActivityName>(calls: Recorded, name: K, count = 1): Promise<InputOf<K>[]> {
  return waitFor(() => (calls.of(name).length >= count ? calls.of(name) : undefined), { what: `${count} call(s) to ${name}` });
}

/** setTransactionStatus calls as `status/reason`, the shape tests compare. */
export const statusWrites = (calls: Recorded) => calls.of('setTransactionStatus').map((input) => `${input.status}/${input.reason ?? '-'}`);

/** Refusal reasons a transaction shows in `cancelRefusedReason` and its decisions. */
export const TRANSFER_UNDER_WAY = 'the transfer to the company is under way or done; resolve it instead';
export const TRANSFER_MAY_EXIST = 'a transfer may have reached MoniMe; retryTransfer first to learn its outcome';

/** Decisions as `kind: outcome`, the shape tests compare. */
export const outcomes = (view: TransactionStatusView) => view.decisions.map((decision) => `${decision.kind}: ${decision.outcome}`);

/** The run ended cancelled: its result is a WorkflowFailedError caused by a CancelledFailure. */
export async function expectRunCancelled(handle: TransactionHandle): Promise<void> {
  const error = await handle.result().then(
    (view) => new Error(`expected the run to end cancelled, it returned ${JSON.stringify(view)}`),
    (error: unknown) => error,
  );
  expect(error).toBeInstanceOf(WorkflowFailedError);
  expect((error as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);
  expect((await handle.describe()).status.name).toBe('CANCELLED');
}

/** Until the run is closed, whichever way it ended. */
export const runClosed = (handle: TransactionHandle) =>
  waitFor(async () => ((await handle.describe()).status.name === 'RUNNING' ? undefined : true), { what: `${handle.workflowId} closed` });
