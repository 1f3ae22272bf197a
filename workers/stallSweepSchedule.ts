/**
 * The stall sweeper of a task queue: a Temporal Schedule (`stall-sweep-<queue>`) that starts
 * `sweepStalledTransactions` every quarter of STALL_TIMEOUT_SECONDS, so a stall shows at most
 * about a quarter of the timeout later than it did with a timer in every payment.
 *
 * Why a Schedule and not an interval in the worker process: Temporal runs it, once per queue
 * however many worker processes there are (each only makes sure it exists); it survives
 * restarts and deploys; it never runs two sweeps at once (overlap SKIP); every sweep is a
 * workflow with its history, visible in the Web UI beside the payments; and an operator can
 * pause, trigger or inspect it with `temporal schedule`. A `setInterval` would sweep once per
 * process, stop with it, and leave no record.
 */
import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client, type ScheduleOptions } from '@temporalio/client';
import { stallSweepScheduleId, workflowTypes, type StallSweepInput, type SweepStalledTransactionsWorkflow } from '../contract';

/** A quarter of the stall timeout, in whole seconds, never under 1 s nor over 60 s. */
export function stallSweepIntervalSeconds(stallTimeoutSeconds: number): number {
  return Math.min(60, Math.max(1, Math.floor(stallTimeoutSeconds / 4)));
}

/** The Schedule as this process's configuration wants it. */
export function stallSweepSchedule(input: StallSweepInput): Omit<ScheduleOptions, 'memo' | 'state'> {
  const scheduleId = stallSweepScheduleId(input.taskQueue);
  return {
    scheduleId,
    spec: { intervals: [{ every: `${stallSweepIntervalSeconds(input.stallTimeoutSeconds)} seconds` }] },
    action: {
      type: 'startWorkflow',
      workflowType: workflowTypes.sweepStalledTransactions,
      workflowId: scheduleId,
      taskQueue: input.taskQueue,
      args: [input] satisfies Parameters<SweepStalledTransactionsWorkflow>,
      // Above the activity's 3 attempts of 1 minute; with no worker at all, a sweep waits no longer.
      workflowExecutionTimeout: '5 minutes',
    },
    policies: {
      // A sweep still running when the next is due: the next is skipped, not queued behind it.
      overlap: ScheduleOverlapPolicy.SKIP,
      // After Temporal was away, one sweep at once, not one per missed interval.
      catchupWindow: '1 minute',
      pauseOnFailure: false,
    },
  };
}

/**
 * Creates the task queue's Schedule, or brings an existing one (another worker process, an
 * earlier start) to this configuration; a pause an operator set is kept.
 */
export async function ensureStallSweepSchedule(client: Client, input: StallSweepInput): Promise<void> {
  const wanted = stallSweepSchedule(input);
  try {
    await client.schedule.create(wanted);
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
    await client.schedule
      .getHandle(wanted.scheduleId)
      .update((previous) => ({ spec: wanted.spec, action: wanted.action, policies: wanted.policies, state: previous.state }));
  }
}
