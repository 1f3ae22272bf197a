import { Worker, type NativeConnection } from '@temporalio/worker';
import type { Activities } from '../activities';
import type { Config } from '../config';
import type { WorkflowBundle } from './bundle';

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
}): Promise<Worker[]> {
  const { config, connection, activities } = opts;
  const main = await Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    workflowBundle: opts.workflowBundle,
    activities,
    maxConcurrentActivityTaskExecutions: 200,
    maxCachedWorkflows: 2_000,
  });
  const transfers = await Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.transferTaskQueue,
    activities,
    // The server's limiter lets one second's worth through as a burst on top of the rate;
    // dividing by 61 keeps every 60-second window within the configured per-minute limit.
    maxTaskQueueActivitiesPerSecond: config.transfers.ratePerMinute / 61,
    maxConcurrentActivityTaskExecutions: 100,
  });
  return [main, transfers];
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
