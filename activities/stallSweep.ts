/**
 * The stall sweeper's one activity: which transactions have stalled, asked of Temporal's
 * visibility store, and a `stallDetected` signal to each that still waits for one.
 *
 * Why visibility: the workflow already keeps `TransactionStatus` current as a search
 * attribute (set to `processing` by the API at start), and visibility knows each run's task
 * queue and start time. "Running, still processing, started more than STALL_TIMEOUT_SECONDS
 * ago" is therefore one indexed query for the whole queue, with nothing new to store: no
 * per-payment timer in Temporal, no table of deadlines in PostgreSQL. Visibility lags the
 * workflows by a moment, which is why the transaction itself checks again before it marks
 * itself stalled (workflows/transaction/stallWatch.ts).
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import {
  stallDetectedSignal,
  stallWatchQuery,
  TransactionStatusKey,
  workflowTypes,
  type StallSweepActivities,
  type StallSweepInput,
  type StallSweepResult,
  type StallWatchView,
  type TransactionStatus,
} from '../contract';
import { stalledAmong } from '../db/queries/stalls';
import type { ActivityDeps } from './deps';

const transactionIdOfWorkflow = (workflowId: string) => workflowId.replace(/^transaction-/, '');

/** Executions per visibility page. */
export const STALL_SWEEP_PAGE_SIZE = 100;
/** At most this many transactions per sweep (newest first, as visibility lists them); the next sweep takes the rest. */
export const STALL_SWEEP_MAX_PER_RUN = 1_000;
/** Queries and signals in flight at once. */
const CONCURRENCY = 8;
/** A transaction whose worker does not answer the query within this is signalled anyway. */
const QUERY_TIMEOUT_MS = 5_000;

/** Typed, so a renamed status breaks the build rather than silently matching nothing. */
const PROCESSING: TransactionStatus = 'processing';

/**
 * The visibility query of transactions on `taskQueue` still running and `processing` that
 * started before `startedBefore` (now − stall timeout). TaskQueue keeps deployments that
 * share a namespace apart, as the batcher ids do.
 */
export function stalledTransactionsQuery(taskQueue: string, startedBefore: Date): string {
  return [
    `WorkflowType = '${workflowTypes.processTransaction}'`,
    `ExecutionStatus = 'Running'`,
    `${TransactionStatusKey.name} = '${PROCESSING}'`,
    `TaskQueue = '${quoted(taskQueue)}'`,
    `StartTime < '${startedBefore.toISOString()}'`,
  ].join(' AND ');
}

const quoted = (text: string) => text.replace(/\\/g, '\\\\').replace(/'/g, "\\'");

export function createStallSweepActivities({
  db,
  temporal,
  logger,
}: Pick<ActivityDeps, 'db' | 'temporal' | 'logger'>): StallSweepActivities {
  return {
    async signalStalledTransactions(input: StallSweepInput): Promise<StallSweepResult> {
      const query = stalledTransactionsQuery(input.taskQueue, new Date(Date.now() - input.stallTimeoutSeconds * 1000));
      const listed: Array<{ workflowId: string; runId: string }> = [];
      for await (const execution of temporal.workflow.list({ query, pageSize: STALL_SWEEP_PAGE_SIZE })) {
        listed.push({ workflowId: execution.workflowId, runId: execution.runId });
        if (listed.length >= STALL_SWEEP_MAX_PER_RUN) break;
      }
      // Visibility knows how long a run has been open, not whether it spent that time queued
      // behind the transfer rate limit: the database says which of them have stalled.
      const stalled = new Set(
        await stalledAmong(
          db,
          listed.map((run) => transactionIdOfWorkflow(run.workflowId)),
          input.stallTimeoutSeconds,
        ),
      );
      const found = listed.filter((run) => stalled.has(transactionIdOfWorkflow(run.workflowId)));
      const outcomes = await mapBounded(found, CONCURRENCY, (run) => signalIfAwaited(temporal, run.workflowId, run.runId));
      const result: StallSweepResult = {
        found: found.length,
        signalled: outcomes.filter((outcome) => outcome === 'signalled').length,
        failed: outcomes.filter((outcome) => outcome instanceof Error).length,
      };
      const failures = outcomes.filter((outcome): outcome is Error => outcome instanceof Error);
      if (result.signalled > 0 || failures.length > 0)
        logger.info({ taskQueue: input.taskQueue, ...result, firstError: failures[0]?.message }, 'stall sweep');
      return result;
    },
  };
}

/**
 * Signals one run, unless it says it would ignore the signal: a run that already made its
 * stall check (stalled once, or found itself finished), or one on its own timer (started
 * before the sweeper), would otherwise get a history event at every sweep for as long as it
 * stays `processing` — after an operator's retry, say. A run that cannot answer the query is
 * signalled anyway: it decides for itself, and a stall left unshown is the worse mistake.
 */
async function signalIfAwaited(temporal: Client, workflowId: string, runId: string): Promise<'signalled' | 'skipped' | Error> {
  const handle = temporal.workflow.getHandle(workflowId, runId);
  try {
    let view: StallWatchView | null = null;
    try {
      view = await temporal.withDeadline(Date.now() + QUERY_TIMEOUT_MS, () => handle.query(stallWatchQuery));
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return 'skipped';
    }
    if (view && (!view.awaitsSignal || Date.parse(view.dueAt) > Date.now())) return 'skipped';
    await handle.signal(stallDetectedSignal);
    return 'signalled';
  } catch (error) {
    // Closed since it was listed: nothing to mark.
    if (error instanceof WorkflowNotFoundError) return 'skipped';
    return error as Error;
  }
}

/** `work` over `items`, at most `limit` at a time, results in order. */
async function mapBounded<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}
