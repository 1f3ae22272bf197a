import type { Stack } from './harness';
import { auditEventsSignal, type AuditBatcherInput, type AuditEvent } from '../../contract';

export function syntheticEvents(entityId: string, count: number, from = 1): AuditEvent[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `transaction:${entityId}:${from + i}:synthetic`,
    entityType: 'transaction' as const,
    entityId,
    sequence: from + i,
    action: 'synthetic',
    actor: 'test',
    companyId: null,
    before: null,
    after: { n: from + i },
    occurredAt: new Date().toISOString(),
  }));
}

/** Signals a dedicated batcher (its own id, its own settings), starting it when needed. */
export function signalBatcher(stack: Stack, workflowId: string, input: AuditBatcherInput, events: AuditEvent[]) {
  return stack.client.workflow.signalWithStart('auditBatcher', {
    workflowId,
    taskQueue: stack.config.temporal.taskQueue,
    args: [input],
    signal: auditEventsSignal,
    signalArgs: [events],
  });
}

export async function auditRowCount(stack: Stack, entityIdPrefix: string): Promise<number> {
  const { rows } = await stack.db.query(`SELECT count(*)::int AS n FROM audit_logs WHERE entity_id LIKE $1`, [`${entityIdPrefix}%`]);
  return rows[0].n;
}
