import { allHandlersFinished, condition, continueAsNew, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import { auditEventsSignal, batcherStatsQuery, type AuditActivities, type AuditBatcherInput, type AuditEvent } from '../contract';
import { AUDIT_WRITE_RETRY } from './retryPolicies';

const { writeAuditBatch } = proxyActivities<Pick<AuditActivities, 'writeAuditBatch'>>({
  startToCloseTimeout: '30 seconds',
  retry: AUDIT_WRITE_RETRY,
});

const DEFAULT_MAX_EVENTS_PER_RUN = 4_000;
const MAX_HISTORY_EVENTS = 8_000;

/**
 * One shard of the audit trail. Receives events as signals and writes them in batches:
 * when `batchSize` are buffered, or `flushMs` after the first one arrived.
 */
export async function auditBatcher(input: AuditBatcherInput): Promise<void> {
  const buffer: AuditEvent[] = [];
  const buffered = new Set<string>();
  let totalFlushed = input.totalFlushed ?? 0;
  let flushes = input.flushes ?? 0;
  let lastFlushAt = input.lastFlushAt ?? null;
  let eventsThisRun = 0;
  const maxEventsPerRun = input.maxEventsPerRun ?? DEFAULT_MAX_EVENTS_PER_RUN;

  const take = (events: AuditEvent[]) => {
    for (const event of events) {
      // A resent signal (activity retry) must not become a second row in one INSERT.
      if (buffered.has(event.id)) continue;
      buffered.add(event.id);
      buffer.push(event);
    }
  };
  take(input.pending ?? []);

  setHandler(auditEventsSignal, (events) => {
    eventsThisRun += events.length;
    take(events);
  });
  setHandler(batcherStatsQuery, () => ({
    shard: input.shard,
    buffered: buffer.length,
    totalFlushed,
    flushes,
    lastFlushAt,
    eventsThisRun,
  }));

  const historyIsLarge = () =>
    workflowInfo().continueAsNewSuggested || workflowInfo().historyLength >= MAX_HISTORY_EVENTS || eventsThisRun >= maxEventsPerRun;

  while (!historyIsLarge()) {
    await condition(() => buffer.length > 0 || historyIsLarge());
    if (buffer.length > 0 && buffer.length < input.batchSize) {
      await condition(() => buffer.length >= input.batchSize || historyIsLarge(), input.flushMs);
    }
    while (buffer.length >= input.batchSize || (buffer.length > 0 && !historyIsLarge())) {
      const batch = buffer.slice(0, input.batchSize);
      await writeAuditBatch(batch);
      buffer.splice(0, batch.length);
      for (const event of batch) buffered.delete(event.id);
      totalFlushed += batch.length;
      flushes += 1;
      lastFlushAt = new Date().toISOString();
    }
  }

  // Signals that arrive during the hand-over land in `buffer` and travel with it.
  await condition(allHandlersFinished);
  await continueAsNew<typeof auditBatcher>({
    ...input,
    pending: buffer.splice(0),
    totalFlushed,
    flushes,
    lastFlushAt,
  });
}
