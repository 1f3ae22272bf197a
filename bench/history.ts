import type { Client } from '@temporalio/client';
import { workflowIdForTransaction } from '../contract';
import { round1 } from './stats';

/**
 * Temporal Cloud's billable actions in a workflow's history (https://docs.temporal.io/cloud/actions):
 * the start, each activity attempt, each local activity (one marker each), each signal sent or
 * received, each timer, each search-attribute or memo upsert, each child started, each update.
 * An estimate from the history, as Temporal's own page says; replays are never counted.
 */
const ACTIONS_PER_EVENT: Record<string, number> = {
  workflowExecutionStarted: 1,
  activityTaskScheduled: 1,
  markerRecorded: 1,
  workflowExecutionSignaled: 1,
  signalExternalWorkflowExecutionInitiated: 1,
  timerStarted: 1,
  upsertWorkflowSearchAttributes: 1,
  workflowPropertiesModified: 1,
  startChildWorkflowExecutionInitiated: 1,
  workflowExecutionUpdateAccepted: 1,
};

interface HistoryEvent {
  [attributes: string]: unknown;
}

/** An event's type, read off which `…EventAttributes` field it carries (no enum table needed). */
function eventType(event: HistoryEvent): string {
  const key = Object.keys(event).find((name) => name.endsWith('EventAttributes') && event[name] != null);
  return key ? key.slice(0, -'EventAttributes'.length) : 'unknown';
}

function actionsOf(type: string, event: HistoryEvent): number {
  if (type === 'activityTaskStarted') {
    // Retries: each attempt after the first is an action of its own.
    const attempt = (event.activityTaskStartedEventAttributes as { attempt?: number } | undefined)?.attempt ?? 1;
    return Math.max(0, attempt - 1);
  }
  return ACTIONS_PER_EVENT[type] ?? 0;
}

export interface HistoryFigures {
  workflows: number;
  eventsPerPayment: number | null;
  actionsPerPayment: number | null;
  /** Mean events of each type per payment, most frequent first. */
  eventsByType: Record<string, number>;
}

/** Histories of a sample of the step's completed transaction workflows, counted. */
export async function historyFigures(client: Client, paymentIds: string[]): Promise<HistoryFigures> {
  const byType = new Map<string, number>();
  let events = 0;
  let actions = 0;
  let workflows = 0;
  for (const id of paymentIds) {
    const history = await client.workflow
      .getHandle(workflowIdForTransaction(id))
      .fetchHistory()
      .catch(() => null);
    if (!history?.events) continue;
    workflows++;
    for (const event of history.events as HistoryEvent[]) {
      const type = eventType(event);
      byType.set(type, (byType.get(type) ?? 0) + 1);
      events++;
      actions += actionsOf(type, event);
    }
  }
  const perPayment = (n: number) => (workflows ? round1(n / workflows) : null);
  const sorted = [...byType.entries()].sort((a, b) => b[1] - a[1]);
  return {
    workflows,
    eventsPerPayment: perPayment(events),
    actionsPerPayment: perPayment(actions),
    eventsByType: Object.fromEntries(sorted.map(([type, n]) => [type, perPayment(n) ?? 0])),
  };
}
