import {
  auditBatcherWorkflowId,
  auditEventsSignal,
  auditShardFor,
  workflowTypes,
  type AuditActivities,
  type AuditBatcherInput,
  type AuditBatcherWorkflow,
  type AuditEvent,
  type PublishAuditEventsInput,
} from '../contract';
import { insertAuditEvents } from '../db/queries/audit';
import type { ActivityDeps } from './deps';

export function createAuditActivities({ db, temporal, taskQueue }: Pick<ActivityDeps, 'db' | 'temporal' | 'taskQueue'>): AuditActivities {
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

    /** One multi-row insert per flush; idempotent on the event id. */
    async writeAuditBatch(events: AuditEvent[]): Promise<number> {
      return insertAuditEvents(db, events);
    },
  };
}
