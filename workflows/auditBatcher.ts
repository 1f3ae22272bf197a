import { condition, continueAsNew, setHandler, workflowInfo } from '@temporalio/workflow';
import { auditEventsSignal, batcherStatsQuery, type AuditBatcherInput } from '../contract';
import { drain, settleHandlers } from './audit/drain';
import { AuditInbox } from './audit/inbox';
import { AuditTally } from './audit/tally';
import { AuditWriter } from './audit/writer';

export { AUDIT_BOUNDED_DRAIN_PATCH, AUDIT_POISON_SAFE_PATCH } from './audit/patches';

const DEFAULT_BATCH_SIZE = 100;
const DEFAULT_MAX_EVENTS_PER_RUN = 4_000;
const MAX_HISTORY_EVENTS = 8_000;

/**
 * One shard of the audit trail. Receives events as signals and writes them in batches:
 * when `batchSize` are buffered, or `flushMs` after the first one arrived. Nothing a signal
 * carries can stop it: a malformed payload is dropped and dead-lettered (audit/inbox.ts), and
 * an event PostgreSQL refuses is found by halving its batch and set aside in
 * audit_dead_letters while the rest is written (audit/writer.ts).
 */
export async function auditBatcher(input: AuditBatcherInput): Promise<void> {
  const { workflowId, runId } = workflowInfo();
  const batchSize = Number.isSafeInteger(input.batchSize) && input.batchSize > 0 ? input.batchSize : DEFAULT_BATCH_SIZE;
  const maxEventsPerRun = input.maxEventsPerRun ?? DEFAULT_MAX_EVENTS_PER_RUN;
  const tally = new AuditTally(input);
  const inbox = new AuditInbox({ workflowId, runId }, tally);
  const writer = new AuditWriter(workflowId, tally);

  inbox.receive(input.pending ?? []);
  setHandler(auditEventsSignal, (payload) => {
    tally.eventsThisRun += inbox.receive(payload);
  });
  setHandler(batcherStatsQuery, () => tally.stats(input.shard, inbox.size));

  const mustHandOver = () =>
    workflowInfo().continueAsNewSuggested || workflowInfo().historyLength >= MAX_HISTORY_EVENTS || tally.eventsThisRun >= maxEventsPerRun;

  while (!mustHandOver()) {
    await condition(() => inbox.size > 0 || inbox.hasMalformed || mustHandOver());
    if (inbox.hasMalformed) await writer.setAside(inbox.takeMalformed());
    if (inbox.size > 0 && inbox.size < batchSize) {
      await condition(() => inbox.size >= batchSize || mustHandOver(), input.flushMs);
    }
    await drain(inbox, writer, batchSize, mustHandOver);
  }

  // Signals that arrive during the hand-over land in the inbox and travel with it.
  await settleHandlers(inbox, writer);
  await continueAsNew<typeof auditBatcher>({ ...input, pending: inbox.takeAll(), ...tally.carried() });
}
