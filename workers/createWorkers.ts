import { Worker, type NativeConnection } from '@temporalio/worker';
import type { Activities } from '../activities';
import type { Config } from '../config';
import type { WorkflowBundle } from './bundle';

/**
 * Slots that may each hold one database connection at a time: local activities (the
 * transaction's writes), the main queue's activities (transfer polls, audit batches,
 * releases) and the transfer queue's (the intent row and the state row around each MoniMe
 * call). The worker process's pool has a connection for every one of them
 * (`databasePoolSize`), so no activity waits for a connection it would then time out on.
 */
export const WORKER_SLOTS = { localActivities: 20, activities: 20, transferActivities: 20 } as const;

/** Connections a process needs: one per worker slot that may use one, plus the API's share. */
export function databasePoolSize(parts: { workers: boolean; api: boolean }): number {
  const workerSlots = WORKER_SLOTS.localActivities + WORKER_SLOTS.activities + WORKER_SLOTS.transferActivities;
  return (parts.workers ? workerSlots : 0) + (parts.api ? API_CONNECTIONS : 0);
}

/** Webhook pre-checks and API reads are single short queries; ten cover hundreds of requests a second. */
const API_CONNECTIONS = 10;

/** Workflows kept in the main worker's sticky cache: a cached one runs its next task without replaying its history. */
export const MAX_CACHED_WORKFLOWS = 2_000;

/**
 * How the main worker takes workflow tasks, where it differs from the defaults (the bench's
 * ablation): the sticky cache size, and workflow-task slots and pollers, which are the SDK's
 * (40 slots, 10 pollers) unless given — the bench measured that more does not help here,
 * where the Temporal server, not the worker, is what saturates (README "Benchmarks").
 */
export interface WorkerTuning {
  /** MAX_CACHED_WORKFLOWS unless given (0: no cache). */
  maxCachedWorkflows?: number;
  workflowTaskSlots?: number;
  workflowTaskPollers?: number;
}

/**
 * Two workers: the main queue runs workflows and database activities; the transfer queue
 * runs the same activities under a server-side rate limit (`maxTaskQueueActivitiesPerSecond`)
 * that holds across every worker process, so no process needs a limiter of its own.
 */
export async function createWorkers(opts: {
  config: Config;
  connection: NativeConnection;
  activities: Activities;
  workflowBundle: WorkflowBundle;
  tuning?: WorkerTuning;
}): Promise<Worker[]> {
  const { config, connection, activities } = opts;
  const shutdown = shutdownTimes(config.transfers.attemptTimeoutSeconds);
  const main = await Worker.create({
    ...shutdown,
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    workflowBundle: opts.workflowBundle,
    activities,
    maxConcurrentActivityTaskExecutions: WORKER_SLOTS.activities,
    maxConcurrentLocalActivityExecutions: WORKER_SLOTS.localActivities,
    maxCachedWorkflows: opts.tuning?.maxCachedWorkflows ?? MAX_CACHED_WORKFLOWS,
    maxConcurrentWorkflowTaskExecutions: opts.tuning?.workflowTaskSlots,
    maxConcurrentWorkflowTaskPolls: opts.tuning?.workflowTaskPollers,
  });
  const transfers = await Worker.create({
    ...shutdown,
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.transferTaskQueue,
    activities,
    maxTaskQueueActivitiesPerSecond: transferRatePerSecond(config.transfers.ratePerMinute),
    maxConcurrentActivityTaskExecutions: WORKER_SLOTS.transferActivities,
  });
  return [main, transfers];
}

/**
 * The server's limiter lets a burst of a few seconds' worth through on top of its rate, and
 * the time from dispatch to the MoniMe call varies with load, which bunches calls further
 * (at 300/minute: 305 transfers in the busiest minute at exactly 300/60 per second on a quiet
 * machine; 306 at 285/60 in a busy CI run, where workflow tasks took 5 s). The rate is
 * therefore a tenth below the limit, and never less than three seconds' worth below it:
 * MoniMe's limit is a ceiling, and a call over it is a 429 and a retry.
 */
export function transferRatePerSecond(perMinute: number): number {
  const heldBack = Math.max(Math.ceil(perMinute / 10), 3 * Math.ceil(perMinute / 60));
  return Math.max(perMinute - heldBack, 1) / 60;
}

/**
 * On SIGTERM a worker stops polling and lets the activities it holds finish: no call to
 * MoniMe or PostgreSQL outlives one attempt's timeout, so that is long enough to wait. Only
 * past it are they cancelled (and retried elsewhere); the force time guarantees the process
 * exits even then, before an orchestrator's SIGKILL would.
 */
export function shutdownTimes(attemptTimeoutSeconds: number): { shutdownGraceTime: number; shutdownForceTime: number } {
  return { shutdownGraceTime: attemptTimeoutSeconds * 1_000, shutdownForceTime: attemptTimeoutSeconds * 1_000 + 10_000 };
}

/** Runs workers until `shutdown()`; in-flight activities finish or are retried elsewhere. */
export function runWorkers(workers: Worker[]): { done: Promise<void>; shutdown(): Promise<void> } {
  const done = Promise.all(workers.map((worker) => worker.run())).then(() => undefined);
  return {
    done,
    async shutdown() {
      for (const worker of workers) if (worker.getState() === 'RUNNING') worker.shutdown();
      await done;
    },
  };
}
