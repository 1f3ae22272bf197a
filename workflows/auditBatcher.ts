import {
  ActivityFailure,
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  patched,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import {
  AUDIT_EVENT_REFUSED,
  auditEventsSignal,
  batcherStatsQuery,
  type AuditActivities,
  type AuditBatcherInput,
  type AuditDeadLetter,
  type AuditEvent,
} from '../contract';
import { cleanText } from './operatorInput';
import { AUDIT_DEAD_LETTER_RETRY, AUDIT_WRITE_RETRY, AUDIT_WRITE_TRY_RETRY } from './retryPolicies';

/**
 * Changes of shape, each asked lazily where the new behaviour departs from the old, so that
 * histories recorded before them replay on the path they were recorded with.
 */
/** A malformed payload item is dropped and dead-lettered; a failing batch is split and its refused events set aside. */
export const AUDIT_POISON_SAFE_PATCH = 'audit-batcher-poison-safe';
/** A run that must hand over writes only what was buffered when it had to; what arrives meanwhile travels with it. */
export const AUDIT_BOUNDED_DRAIN_PATCH = 'audit-batcher-bounded-drain';

// Only a batch's single events, once the database is known to be away rather than refusing them, wait forever.
const { writeAuditBatch } = proxyActivities<Pick<AuditActivities, 'writeAuditBatch'>>({
  startToCloseTimeout: '30 seconds',
  retry: AUDIT_WRITE_RETRY,
});
// Same activity, a bounded try: what keeps failing is split to find the event at fault.
const { writeAuditBatch: tryAuditBatch } = proxyActivities<Pick<AuditActivities, 'writeAuditBatch'>>({
  startToCloseTimeout: '30 seconds',
  retry: AUDIT_WRITE_TRY_RETRY,
});
const { recordAuditDeadLetters } = proxyActivities<Pick<AuditActivities, 'recordAuditDeadLetters'>>({
  startToCloseTimeout: '30 seconds',
  retry: AUDIT_DEAD_LETTER_RETRY,
});

const DEFAULT_BATCH_SIZE = 100;
const DEFAULT_MAX_EVENTS_PER_RUN = 4_000;
const MAX_HISTORY_EVENTS = 8_000;
/** Events a run hands over unwritten (continue-as-new input; Temporal refuses payloads over 2 MB). */
const MAX_CARRIED_EVENTS = 500;
/** How much of a malformed payload is kept in its dead letter. */
const MAX_MALFORMED_TEXT = 16_000;
const MAX_SEQUENCE = 2_147_483_647; // audit_logs.sequence is an integer

type Malformed = { item: unknown; problem: string };

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isNonEmptyString = (value: unknown): value is string => typeof value === 'string' && value.length > 0;

/** What is wrong with one item of an `auditEvents` payload, or null for a well-formed AuditEvent. */
function problemOf(item: unknown): string | null {
  if (!isRecord(item)) return 'an event must be an object';
  for (const key of ['id', 'entityType', 'entityId', 'action'] as const) {
    if (!isNonEmptyString(item[key])) return `${key} must be a non-empty string`;
  }
  if (typeof item.actor !== 'string') return 'actor must be a string';
  if (!Number.isInteger(item.sequence) || (item.sequence as number) < 0 || (item.sequence as number) > MAX_SEQUENCE)
    return `sequence must be a whole number from 0 to ${MAX_SEQUENCE}`;
  if (typeof item.occurredAt !== 'string' || Number.isNaN(Date.parse(item.occurredAt))) return 'occurredAt must be a date-time string';
  if (item.companyId !== undefined && item.companyId !== null && typeof item.companyId !== 'string')
    return 'companyId must be a string or null';
  return null;
}

/** Signals come from anyone with a Temporal client: a payload is split into what can be written and what cannot. */
function checkAuditEvents(payload: unknown): { events: AuditEvent[]; malformed: Malformed[] } {
  if (!Array.isArray(payload)) return { events: [], malformed: [{ item: payload, problem: 'expected an array of audit events' }] };
  const events: AuditEvent[] = [];
  const malformed: Malformed[] = [];
  for (const item of payload) {
    const problem = problemOf(item);
    if (problem === null) events.push(item as AuditEvent);
    else malformed.push({ item, problem });
  }
  return { events, malformed };
}

/** JSON text of what came: JSON.stringify escapes lone surrogates and NUL, so the text column takes it. */
function jsonText(value: unknown, maxUnits = Infinity): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return cleanText(text, maxUnits);
}

/** PostgreSQL's reason when it refused the data itself; null when the write failed for another reason. */
function refusalOf(error: unknown): string | null {
  return error instanceof ActivityFailure && error.cause instanceof ApplicationFailure && error.cause.type === AUDIT_EVENT_REFUSED
    ? error.cause.message
    : null;
}

function messageOf(error: unknown): string {
  if (error instanceof ActivityFailure && error.cause) return error.cause.message;
  return error instanceof Error ? error.message : String(error);
}

/**
 * One shard of the audit trail. Receives events as signals and writes them in batches:
 * when `batchSize` are buffered, or `flushMs` after the first one arrived. Nothing a signal
 * carries can stop it: a malformed payload is dropped and dead-lettered, and an event
 * PostgreSQL refuses is found by halving its batch and set aside in audit_dead_letters while
 * the rest is written.
 */
export async function auditBatcher(input: AuditBatcherInput): Promise<void> {
  const { workflowId, runId } = workflowInfo();
  const batchSize = Number.isSafeInteger(input.batchSize) && input.batchSize > 0 ? input.batchSize : DEFAULT_BATCH_SIZE;
  const buffer: AuditEvent[] = [];
  const buffered = new Set<string>();
  /** Dead letters of malformed payload items, recorded by the main loop (handlers do not await). */
  const malformed: AuditDeadLetter[] = [];
  let totalFlushed = input.totalFlushed ?? 0;
  let flushes = input.flushes ?? 0;
  let lastFlushAt = input.lastFlushAt ?? null;
  let malformedDropped = input.malformedDropped ?? 0;
  let deadLettered = input.deadLettered ?? 0;
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

  /** Buffers a payload's events; returns how many items it had. */
  const receive = (payload: unknown): number => {
    const checked = checkAuditEvents(payload);
    if (checked.malformed.length > 0 && patched(AUDIT_POISON_SAFE_PATCH)) {
      take(checked.events);
      for (const { item, problem } of checked.malformed) {
        malformedDropped += 1;
        malformed.push({
          eventId: `malformed:${workflowId}:${runId}:${malformedDropped}`,
          kind: 'malformed',
          batcher: workflowId,
          event: jsonText(item, MAX_MALFORMED_TEXT),
          reason: `malformed auditEvents payload: ${problem}`,
        });
      }
      return checked.events.length + checked.malformed.length;
    }
    // As before the patch: a well-formed payload is taken whole.
    const events = payload as AuditEvent[];
    take(events);
    return events.length;
  };
  receive(input.pending ?? []);

  setHandler(auditEventsSignal, (payload) => {
    eventsThisRun += receive(payload);
  });
  setHandler(batcherStatsQuery, () => ({
    shard: input.shard,
    buffered: buffer.length,
    totalFlushed,
    flushes,
    lastFlushAt,
    eventsThisRun,
    malformedDropped,
    deadLettered,
  }));

  const historyIsLarge = () =>
    workflowInfo().continueAsNewSuggested || workflowInfo().historyLength >= MAX_HISTORY_EVENTS || eventsThisRun >= maxEventsPerRun;

  const wrote = (events: AuditEvent[]) => {
    totalFlushed += events.length;
    flushes += 1;
    lastFlushAt = new Date().toISOString();
  };

  const setAside = async (letters: AuditDeadLetter[]) => {
    await recordAuditDeadLetters(letters);
  };

  /** A batch that failed: halved until what PostgreSQL refuses stands alone and is set aside; the rest is written. */
  const writeOrSetAside = async (batch: AuditEvent[], failure: unknown): Promise<void> => {
    if (batch.length > 1) {
      const half = Math.ceil(batch.length / 2);
      for (const part of [batch.slice(0, half), batch.slice(half)]) {
        try {
          await tryAuditBatch(part);
        } catch (error) {
          await writeOrSetAside(part, error);
          continue;
        }
        wrote(part);
      }
      return;
    }
    let reason = refusalOf(failure);
    if (reason === null) {
      // Not refused, yet failing: the database is away, not at fault with this event. Wait for it.
      try {
        await writeAuditBatch(batch);
        wrote(batch);
        return;
      } catch (error) {
        reason = refusalOf(error) ?? messageOf(error);
      }
    }
    await setAside([{ eventId: batch[0].id, kind: 'refused', batcher: workflowId, event: jsonText(batch[0]), reason }]);
    deadLettered += 1;
  };

  const write = async (batch: AuditEvent[]) => {
    try {
      await tryAuditBatch(batch);
    } catch (error) {
      // Before the patch no write could fail: it was retried for ever.
      if (!patched(AUDIT_POISON_SAFE_PATCH)) throw error;
      await writeOrSetAside(batch, error);
      return;
    }
    wrote(batch);
  };

  /**
   * Writes what is buffered. Once the run must hand over, it does as soon as what is left is
   * small enough to travel in the continue-as-new input, and at the latest once the batches
   * buffered at that moment are written: events arriving as fast as they are written no
   * longer keep it from handing over, and a backlog (a worker back after an outage) is not
   * carried whole into one payload.
   */
  const drain = async () => {
    let owed = Infinity;
    while (buffer.length >= batchSize || (buffer.length > 0 && !historyIsLarge())) {
      if (historyIsLarge()) {
        owed = Math.min(owed, buffer.length);
        if ((buffer.length <= MAX_CARRIED_EVENTS || owed < batchSize) && patched(AUDIT_BOUNDED_DRAIN_PATCH)) break;
      }
      const batch = buffer.slice(0, batchSize);
      await write(batch);
      buffer.splice(0, batch.length);
      for (const event of batch) buffered.delete(event.id);
      owed -= batch.length;
    }
  };

  while (!historyIsLarge()) {
    await condition(() => buffer.length > 0 || malformed.length > 0 || historyIsLarge());
    if (malformed.length > 0) await setAside(malformed.splice(0));
    if (buffer.length > 0 && buffer.length < batchSize) {
      await condition(() => buffer.length >= batchSize || historyIsLarge(), input.flushMs);
    }
    await drain();
  }

  // Signals that arrive during the hand-over land in `buffer` and travel with it.
  for (;;) {
    await condition(allHandlersFinished);
    if (malformed.length === 0) break;
    await setAside(malformed.splice(0));
  }
  await continueAsNew<typeof auditBatcher>({
    ...input,
    pending: buffer.splice(0),
    totalFlushed,
    flushes,
    lastFlushAt,
    malformedDropped,
    deadLettered,
  });
}
