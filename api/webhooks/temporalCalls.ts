import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { WorkflowIdConflictPolicy, WorkflowIdReusePolicy, type SearchAttributePair, type SignalDefinition } from '@temporalio/common';
import type { FareflowWorkflows } from '../../contract';
import type { WebhookDeps } from './context';
import { withinDeadline } from '../../stack/withinDeadline';
import { HttpError } from '../errors';
import type { TemporalSlots } from './temporalSlots';

const TEMPORAL_DEADLINE_MS = 5_000;

export { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError };

/**
 * A Temporal call with a deadline. Unreachable or slow Temporal → 503: nothing was recorded
 * and MoniMe must deliver again. (Known outcomes — already started, not found — pass through.)
 * With `slots`, the call first takes one of the process's bounded Temporal slots (AtCapacity,
 * an immediate 503 with Retry-After, when none frees in time) and returns it however it ends.
 */
export async function recordInTemporal<T>(
  temporal: Client,
  call: () => Promise<T>,
  observe: (seconds: number) => void,
  slots?: TemporalSlots,
): Promise<T> {
  if (slots) return slots.run(() => recordInTemporal(temporal, call, observe));
  const started = process.hrtime.bigint();
  try {
    // The gRPC deadline cancels the call itself; the timer is the backstop while connecting.
    return await withinDeadline(
      temporal.connection.withDeadline(Date.now() + TEMPORAL_DEADLINE_MS, call),
      TEMPORAL_DEADLINE_MS,
      () => new HttpError(503, 'Temporal did not answer in time; nothing was recorded, deliver again'),
    );
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError || error instanceof WorkflowNotFoundError || error instanceof HttpError)
      throw error;
    throw new HttpError(503, `Temporal unavailable; nothing was recorded, deliver again (${(error as Error).message?.slice(0, 200)})`);
  } finally {
    observe(Number(process.hrtime.bigint() - started) / 1e9);
  }
}

/**
 * Starts a workflow whose id may exist at most once, ever (reuse and conflict both refused):
 * 'duplicate' when it already does, 'accepted' once Temporal has durably recorded the start.
 */
export async function startWorkflowOnce<K extends keyof FareflowWorkflows>(
  deps: WebhookDeps,
  workflowType: K,
  start: {
    workflowId: string;
    args: Parameters<FareflowWorkflows[K]>;
    typedSearchAttributes?: SearchAttributePair[];
    memo?: Record<string, unknown>;
  },
): Promise<'accepted' | 'duplicate'> {
  // Eager or not, the answer comes once Temporal has recorded the start: only where the first task runs differs.
  const starter = deps.eagerStarts ?? deps.temporal;
  try {
    const handle = await recordInTemporal(
      starter,
      () =>
        starter.workflow.start<FareflowWorkflows[K]>(workflowType, {
          ...start,
          taskQueue: deps.config.temporal.taskQueue,
          workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
          workflowIdConflictPolicy: WorkflowIdConflictPolicy.FAIL,
          requestEagerStart: deps.eagerStarts !== undefined,
        }),
      (seconds) => deps.metrics.temporalStartSeconds.observe({ operation: 'start' }, seconds),
      deps.slots,
    );
    deps.metrics.workflowStarts.inc({ eager: String(handle.eagerlyStarted) });
    return 'accepted';
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) return 'duplicate';
    throw error;
  }
}

/**
 * Signals a workflow, starting it first when none runs under that id: 'accepted' once Temporal
 * has recorded the signal, 'duplicate' when the id belongs to a workflow that already closed
 * (reuse refused). Unlike a plain signal, a signal-with-start also dispatches a workflow that
 * is still in its start delay, at once.
 */
export async function signalWithStartOnce<K extends keyof FareflowWorkflows, S>(
  deps: WebhookDeps,
  workflowType: K,
  start: { workflowId: string; args: Parameters<FareflowWorkflows[K]>; signal: SignalDefinition<[S]>; signalArgs: [S] },
): Promise<'accepted' | 'duplicate'> {
  try {
    await recordInTemporal(
      deps.temporal,
      () =>
        deps.temporal.workflow.signalWithStart<FareflowWorkflows[K], [S]>(workflowType, {
          ...start,
          taskQueue: deps.config.temporal.taskQueue,
          workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
        }),
      (seconds) => deps.metrics.temporalStartSeconds.observe({ operation: 'signal' }, seconds),
      deps.slots,
    );
    return 'accepted';
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) return 'duplicate';
    throw error;
  }
}
