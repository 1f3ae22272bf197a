import { auditShardFor } from '../domain/transactions';
import { auditBatcherWorkflowId } from '../domain/taskQueues';
import { insertAuditEvents } from '../db/queries/audit';
import { auditEventsSignal, type AuditBatcherInput, type AuditEvent } from '../workflows/definitions';
import type { ActivityDeps } from './deps';

export interface PublishAuditEventsInput {
  events: AuditEvent[];
  shards: number;
  batchSize: number;
  flushMs: number;
}

export function createAuditActivities({ db, temporal, taskQueue }: Pick<ActivityDeps, 'db' | 'temporal' | 'taskQueue'>) {
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
          return temporal.workflow.signalWithStart('auditBatcher', {
            workflowId: auditBatcherWorkflowId(taskQueue, shard),
            taskQueue,
            args: [batcherInput],
            signal: auditEventsSignal,
            signalArgs: [events],
          });
        }),
      );
    },

    /** One multi-row insert per flush; idempotent on the event id. */
    async writeAuditBatch(events: AuditEvent[]): Promise<number> {
      return insertAuditEvents(db, events);
    },
  };
}
