/**
 * The activities a transaction calls, each proxy typed to the slice it needs and each with
 * one named retry policy, so what may be retried, and for how long, is read in one place.
 */
import { patched, proxyActivities, proxyLocalActivities, workflowInfo } from '@temporalio/workflow';
import { transferTaskQueueFor, type PaymentActivities, type TransactionSettings, type TransferActivities } from '../../contract';
import { DATABASE_RETRY, MONIME_RETRY } from '../retryPolicies';
import { LOCAL_DB_ACTIVITIES_PATCH } from './patches';

export type DatabaseActivities = Pick<
  PaymentActivities & TransferActivities,
  'applyPayment' | 'acceptPayment' | 'setTransactionStatus' | 'releaseTicketOfTransaction' | 'recordTransferUpdate'
>;

/**
 * As local activities the database writes run inside the workflow task that asks for them:
 * no activity task to match, no extra workflow task to report back — about half the Temporal
 * writes of a payment. Safe because each is idempotent: a workflow task lost in a crash runs
 * them again and they find their work done. A run on the two-task shape (`compact`) has them
 * without asking the older patch: one marker in its history, not two.
 */
export function databaseActivities(compact: boolean): DatabaseActivities {
  const options = { startToCloseTimeout: '30 seconds', retry: DATABASE_RETRY } as const;
  return compact || patched(LOCAL_DB_ACTIVITIES_PATCH)
    ? proxyLocalActivities<DatabaseActivities>(options)
    : proxyActivities<DatabaseActivities>(options);
}

/**
 * Every MoniMe POST goes through the rate-limited transfer queue; the limit is the server's.
 * No scheduleToClose: it would count the time a transfer waits in that queue, which under a
 * long peak is longer than the give-up time although nothing failed. The activity gives up
 * by itself, counting from its round's first attempt (`giveUpAfterMinutes` in its input).
 */
export function monimeTransfers(settings: TransactionSettings): Pick<TransferActivities, 'requestTransfer'> {
  return proxyActivities<Pick<TransferActivities, 'requestTransfer'>>({
    taskQueue: transferTaskQueueFor(workflowInfo().taskQueue),
    startToCloseTimeout: `${settings.transferAttemptTimeoutSeconds ?? 20} seconds`,
    retry: MONIME_RETRY,
  });
}

/** Reading a transfer moves no money: not rate-limited, and bounded so a poll cannot hang the workflow. */
export function monimeReads(): Pick<TransferActivities, 'checkTransfer'> {
  return proxyActivities<Pick<TransferActivities, 'checkTransfer'>>({
    startToCloseTimeout: '20 seconds',
    scheduleToCloseTimeout: '5 minutes',
    retry: MONIME_RETRY,
  });
}
