import { ApplicationFailure } from '@temporalio/common';
import {
  AUDIT_EVENT_REFUSED,
  auditBatcherWorkflowId,
  auditEventsSignal,
  auditShardFor,
  workflowTypes,
  type AuditActivities,
  type AuditBatcherInput,
  type AuditBatcherWorkflow,
  type AuditDeadLetter,
  type AuditEvent,
  type PublishAuditEventsInput,
} from '../contract';
import { insertAuditDeadLetters, insertAuditEvents } from '../db/queries/audit';
import type { ActivityDeps } from './deps';

export function createAuditActivities({
  db,
  temporal,
  taskQueue,
  logger,
}: Pick<ActivityDeps, 'db' | 'temporal' | 'taskQueue' | 'logger'>): AuditActivities {
  return {
    /**
     * Delivers events to their batcher, starting it if it is not running. Workflows call
     * this only when their direct signal found no batcher.
     */
    async publishAuditEvents(input: PublishAuditEventsInput): Promise<void> {
      const byShard = new Map<number, AuditEvent[]>();
      for (const event of input.events) {
        const shard = auditShardFor(event.entityId, input.shards);
        byShard.set(shard, [...(byShard.get(shard) ?? []), event]);
      }
      await Promise.all(
        [...byShard].map(([shard, events]) => {
          const batcherInput: AuditBatcherInput = { shard, batchSize: input.batchSize, flushMs: input.flushMs };
          return temporal.workflow.signalWithStart<AuditBatcherWorkflow, [AuditEvent[]]>(workflowTypes.auditBatcher, {
            workflowId: auditBatcherWorkflowId(taskQueue, shard),
            taskQueue,
            args: [batcherInput],
            signal: auditEventsSignal,
            signalArgs: [events],
          });
        }),
      );
    },

    /**
     * One multi-row insert per flush; idempotent on the event id. When PostgreSQL refuses the
     * data itself no retry can help: that fails at once, non-retryable, and the batcher splits
     * the batch to set the refused event aside. Anything else (the database away, a timeout)
     * is thrown as it is and retried.
     */
    async writeAuditBatch(events: AuditEvent[]): Promise<number> {
      try {
        return await insertAuditEvents(db, events);
      } catch (error) {
        const refusal = dataRefusal(error);
        if (refusal)
          throw ApplicationFailure.create({ type: AUDIT_EVENT_REFUSED, message: refusal, nonRetryable: true, cause: error as Error });
        throw error;
      }
    },

    async recordAuditDeadLetters(letters: AuditDeadLetter[]): Promise<number> {
      const recorded = await insertAuditDeadLetters(db, letters);
      for (const letter of letters)
        logger.warn(
          { eventId: letter.eventId, kind: letter.kind, batcher: letter.batcher, reason: letter.reason },
          'audit event set aside in audit_dead_letters',
        );
      return recorded;
    },
  };
}

/**
 * A payment's audit trail, carried by its last status write, inserted right there by the
 * activity already running: one multi-row INSERT instead of a signal to the shard's batcher,
 * which costs a history write on the batcher and a share of its workflow tasks for every
 * payment — Temporal work the dev server spends its one core on. Idempotent like the
 * batcher's insert (events are unique by id). Events PostgreSQL refuses as data go to the
 * batcher after all, which sets them aside in audit_dead_letters without holding up the rest.
 *
 * Only a whole trail (its first event is the transaction's first, sequence 1: the happy
 * path) is inserted here. A trail that continues events flushed to the batcher earlier (an
 * operator's case, a stall) follows them through the batcher, so that once a trail's last
 * event is readable, all of it is — inserted here, it could land before the earlier ones.
 */
export function insertAuditTrail(
  { db }: Pick<ActivityDeps, 'db'>,
  toBatcher: AuditActivities['publishAuditEvents'],
): AuditActivities['publishAuditEvents'] {
  return async (input) => {
    if (!isWholeTrail(input.events)) return toBatcher(input);
    try {
      await insertAuditEvents(db, input.events);
    } catch (error) {
      if (!dataRefusal(error)) throw error;
      await toBatcher(input);
    }
  };
}

/** One entity's events from its first (sequence 1) on: nothing of it went to a batcher before. */
function isWholeTrail(events: AuditEvent[]): boolean {
  return (
    events.length > 0 &&
    events.every((event) => event.entityType === events[0].entityType && event.entityId === events[0].entityId) &&
    Math.min(...events.map((event) => event.sequence)) === 1
  );
}

/**
 * SQLSTATE classes that say "this data", never "this moment": 22 data exception (invalid
 * text representation, untranslatable character, NUL byte, out of range), 23 integrity
 * constraint violation (a NOT NULL column left empty) and 54 program limit exceeded (a value
 * too large). Connection errors (08), shutdowns (57), resource shortages (53) and the like
 * stay retryable.
 */
const REFUSING_SQLSTATE_CLASSES = new Set(['22', '23', '54']);

/** PostgreSQL's message when it refused the data itself, else null. */
function dataRefusal(error: unknown): string | null {
  const { code, message, detail } = (error ?? {}) as { code?: unknown; message?: unknown; detail?: unknown };
  if (typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code) || !REFUSING_SQLSTATE_CLASSES.has(code.slice(0, 2))) return null;
  return `${String(message)}${typeof detail === 'string' && detail ? ` (${detail})` : ''} [SQLSTATE ${code}]`;
}
