import type { Client } from '@temporalio/client';
import type { NativeConnection } from '@temporalio/worker';
import { createActivities } from '../activities';
import type { Config } from '../config';
import type { Db } from '../db/pool';
import type { MonimeClient } from '../monime/client';
import type { Logger } from '../observability/logger';
import { connectWorker } from '../temporal/connection';
import type { WorkflowBundle } from '../workers/bundle';
import { createWorkers, runWorkers, type WorkerTuning } from '../workers/createWorkers';
import { ensureStallSweepSchedule } from '../workers/stallSweepSchedule';
import type { Stopper } from './stopper';

export interface WorkerSet {
  /** Starts the workers (again, after `stop`: crash-and-restart tests); a no-op while they run. */
  start(): Promise<void>;
  /** Stops polling and lets the activities in hand finish (workers/createWorkers.ts shutdownTimes). */
  stop(): Promise<void>;
  /** The workers' connection once they started (eager workflow start needs a client on it). */
  connection(): NativeConnection | null;
}

/**
 * Both task queues' workers, stoppable and startable again, and the main queue's stall
 * sweeper (workers/stallSweepSchedule.ts), made sure of at every start: a transaction the API
 * starts relies on it to be marked stalled. Registers its stops (workers drain, then their
 * connection closes) whether or not the workers run yet, so they land in the stop order where
 * the workers belong even when `start()` comes later.
 */
export function createWorkerSet(opts: {
  config: Config;
  temporalAddress: string;
  db: Db;
  monime: MonimeClient;
  client: Client;
  logger: Logger;
  workflowBundle: () => Promise<WorkflowBundle>;
  stopper: Stopper;
  /** workers/createWorkers.ts's defaults unless given (the bench's ablation). */
  workerTuning?: WorkerTuning;
  /** ActivityDeps.auditTrailHandOver; 'insert' unless given (the bench's ablation). */
  auditTrailHandOver?: 'insert' | 'batcher';
}): WorkerSet {
  const { config, logger } = opts;
  let connection: NativeConnection | null = null;
  let running: ReturnType<typeof runWorkers> | null = null;
  const start = async () => {
    if (running) return;
    const workflowBundle = await opts.workflowBundle();
    await ensureStallSweepSchedule(opts.client, { taskQueue: config.temporal.taskQueue, stallTimeoutSeconds: config.stallTimeoutSeconds });
    connection ??= await connectWorker(opts.temporalAddress, config.temporal.access);
    const activities = createActivities({
      db: opts.db,
      monime: opts.monime,
      temporal: opts.client,
      taskQueue: config.temporal.taskQueue,
      platformFinancialAccountId: config.monime.platformFinancialAccountId,
      logger: logger.child({ component: 'activities' }),
      auditTrailHandOver: opts.auditTrailHandOver,
    });
    running = runWorkers(await createWorkers({ config, connection, activities, workflowBundle, tuning: opts.workerTuning }));
    running.done.catch((error) => logger.error({ err: error }, 'worker stopped with an error'));
  };
  const stop = async () => {
    const current = running;
    running = null;
    await current?.shutdown();
  };
  opts.stopper.add('Temporal worker connection', async () => {
    await connection?.close();
  });
  opts.stopper.add('workers', stop);
  return { start, stop, connection: () => connection };
}
