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
 * Workflow-task slots and pollers of the main worker: the SDK's documented best from its own
 * load test, 3 times its defaults (40 and 10). Measured, not guessed: in the bench's ablation
 * (2026-11-26) the defaults settled 39.8/s at 50/s offered and 27.8/s in a burst of 1,000;
 * these 42.4/s and 38.8/s. A workflow task here is short (no lengthy local activity), so
 * more of them in flight keeps the server's answers coming instead of queueing them.
 */
export const WORKFLOW_TASK_SLOTS = 120;
export const WORKFLOW_TASK_POLLERS = 60;

/** How the main worker takes workflow tasks, where it differs from the defaults above (the bench's ablation). */
export interface WorkerTuning {
  /** MAX_CACHED_WORKFLOWS unless given (0: no cache). */
  maxCachedWorkflows?: number;
  /** WORKFLOW_TASK_SLOTS unless given. */
  workflowTaskSlots?: number;
  /** WORKFLOW_TASK_POLLERS unless given. */
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
    maxConcurrentWorkflowTaskExecutions: opts.tuning?.workflowTaskSlots ?? WORKFLOW_TASK_SLOTS,
    maxConcurrentWorkflowTaskPolls: opts.tuning?.workflowTaskPollers ?? WORKFLOW_TASK_POLLERS,
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
