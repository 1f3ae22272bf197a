import {
  transferIdempotencyKey,
  type CheckTransferInput,
  type RequestTransferInput,
  type TransferActivities,
  type TransferState,
  type TransferUpdateRecord,
} from '../contract';
import { ApplicationFailure, Context } from '@temporalio/activity';
import { recordTransferIntent, recordTransferState, type TransferRow } from '../db/queries/transfers';
import { MonimeError, monimeErrorToApplicationFailure } from '../monime/errors';
import type { InternalTransfer } from '../monime/types';
import type { ActivityDeps } from './deps';

/** MoniMe failures become Temporal failures that say whether a retry can help. */
async function callMonime<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof MonimeError) throw monimeErrorToApplicationFailure(error, activityAttempt());
    throw error;
  }
}

/** Temporal's attempt number of the running activity; 1 outside Temporal (unit tests). */
function activityAttempt(): number {
  try {
    return Context.current().info.attempt;
  } catch {
    return 1;
  }
}

/**
 * The give-up clock of a round, from its first attempt (the intent row's round_started_at),
 * not from when the activity was scheduled: a transfer queued behind MoniMe's rate limit for
 * an hour has not been failing for an hour. Past it, a failure that would be retried is final
 * instead, and the workflow hands the transaction to an operator with "money may have moved"
 * (an unanswered call may have reached MoniMe).
 */
class GiveUpClock {
  private readonly attemptStartedMs = Date.now();

  constructor(
    private readonly intent: TransferRow,
    private readonly giveUpAfterMinutes: number | undefined,
  ) {}

  private overdue(): boolean {
    if (this.giveUpAfterMinutes === undefined) return false;
    const ageSeconds = this.intent.roundAgeSeconds + (Date.now() - this.attemptStartedMs) / 1000;
    return ageSeconds >= this.giveUpAfterMinutes * 60;
  }

  /** Before a retry calls MoniMe again (the last attempt may have timed out, outside our code). */
  checkBeforeRetry(attempt: number): void {
    if (attempt > 1 && this.overdue()) throw this.gaveUp('the last attempt failed or timed out', attempt);
  }

  /** A failure that Temporal would retry becomes final once the clock has run out. */
  checkAfterFailure(error: unknown, attempt: number): void {
    const final = error instanceof ApplicationFailure && error.nonRetryable;
    if (!final && this.overdue()) throw this.gaveUp((error as Error).message, attempt);
  }

  private gaveUp(why: string, attempt: number): ApplicationFailure {
    return ApplicationFailure.create({
      type: 'MonimeGaveUp',
      message: `transfer given up after ${this.giveUpAfterMinutes} minutes of failing attempts: ${why}`,
      nonRetryable: true,
      details: [{ attempt }],
    });
  }
}

const stateOf = (transfer: InternalTransfer, idempotencyKey: string): TransferState => ({
  transferId: transfer.id,
  status: transfer.status,
  failureReason: transfer.failureDetail?.message ?? null,
  idempotencyKey,
});

type TransferDeps = Pick<ActivityDeps, 'db' | 'monime' | 'platformFinancialAccountId'>;

export function createTransferActivities(deps: TransferDeps): TransferActivities {
  const { db, monime } = deps;
  return {
    /**
     * Moves `net` to the company. The idempotency key depends on the transaction (and
     * round) only, so every retry, after any crash, asks MoniMe for the same transfer.
     */
    async requestTransfer(input: RequestTransferInput): Promise<TransferState> {
      return requestTransfer(deps, input);
    },

    /** The polling fallback when no internal_transfer.* webhook arrives. */
    async checkTransfer(input: CheckTransferInput): Promise<TransferState> {
      const transfer = await callMonime(() => monime.getInternalTransfer(input.transferId));
      const state = stateOf(transfer, transferIdempotencyKey(input.transactionId, input.round));
      await recordState(db, input, state);
      return state;
    },

    /** Stores what an internal_transfer.* webhook said. */
    async recordTransferUpdate(input: TransferUpdateRecord): Promise<void> {
      await recordTransferState(db, input.transactionId, input.round, {
        monimeTransferId: input.transferId,
        status: input.status,
        failureReason: input.failureReason,
      });
    },
  };
}

/** What MoniMe answered for a round, stored on its transfer row. */
async function recordState(db: ActivityDeps['db'], round: { transactionId: string; round: number }, state: TransferState): Promise<void> {
  await recordTransferState(db, round.transactionId, round.round, {
    monimeTransferId: state.transferId,
    status: state.status,
    failureReason: state.failureReason,
  });
}

async function requestTransfer(deps: TransferDeps, input: RequestTransferInput): Promise<TransferState> {
  const { db, platformFinancialAccountId } = deps;
  const idempotencyKey = transferIdempotencyKey(input.transactionId, input.round);
  const intent = await recordTransferIntent(db, {
    transactionId: input.transactionId,
    idempotencyKey,
    round: input.round,
    sourceAccountId: platformFinancialAccountId,
    destinationAccountId: input.destinationAccountId,
    amountMinor: input.net.value,
    currency: input.net.currency,
  });
  // This round already completed (a second workflow for the same payment, as after
  // Temporal's retention forgot the first): the money moved once, and MoniMe may no longer
  // remember the key, so it is not asked again.
  if (intent.round === input.round && intent.status === 'completed') {
    return { transferId: intent.monimeTransferId, status: 'completed', failureReason: null, idempotencyKey: intent.idempotencyKey };
  }
  if (input.net.value === 0) {
    // 100% commission: nothing to move, and MoniMe rejects a zero transfer.
    await recordTransferState(db, input.transactionId, input.round, { monimeTransferId: null, status: 'completed' });
    return { transferId: null, status: 'completed', failureReason: null, idempotencyKey };
  }
  const transfer = await createAtMonime(deps, input, intent, idempotencyKey);
  const state = stateOf(transfer, idempotencyKey);
  await recordState(db, input, state);
  return state;
}

/** Asks MoniMe for the round's transfer under its idempotency key, unless the round's give-up clock has run out. */
async function createAtMonime(
  { monime, platformFinancialAccountId }: TransferDeps,
  input: RequestTransferInput,
  intent: TransferRow,
  idempotencyKey: string,
): Promise<InternalTransfer> {
  const clock = new GiveUpClock(intent, input.giveUpAfterMinutes);
  const attempt = activityAttempt();
  clock.checkBeforeRetry(attempt);
  return callMonime(() =>
    monime.createInternalTransfer(
      {
        amount: input.net,
        sourceFinancialAccount: { id: platformFinancialAccountId },
        destinationFinancialAccount: { id: input.destinationAccountId },
        description: `fareflow net for transaction ${input.transactionId}`,
        metadata: { transactionId: input.transactionId },
      },
      idempotencyKey,
    ),
  ).catch((error: unknown) => {
    clock.checkAfterFailure(error, attempt);
    throw error;
  });
}
