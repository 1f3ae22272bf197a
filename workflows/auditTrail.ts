/**
 * Workflow-side half of the audit trail: turns state changes into events with
 * deterministic ids and hands them to the shard's batcher by signal.
 */
import { CancellationScope, getExternalWorkflowHandle, proxyActivities, workflowInfo } from '@temporalio/workflow';
import {
  auditBatcherWorkflowId,
  auditEventsSignal,
  auditShardFor,
  type AuditActivities,
  type AuditEvent,
  type AuditSettings,
  type PublishAuditEventsInput,
} from '../contract';
import { AUDIT_DELIVERY_RETRY } from './retryPolicies';

// Only used when the batcher is not running; a signal-with-start needs a client.
const { publishAuditEvents } = proxyActivities<Pick<AuditActivities, 'publishAuditEvents'>>({
  startToCloseTimeout: '10 seconds',
  retry: AUDIT_DELIVERY_RETRY,
});

export interface AuditEntry {
  actor: string;
  companyId?: string | null;
  before?: unknown;
  after?: unknown;
}

/**
 * Events wait in workflow state (durable: they are rebuilt on replay) and go to the batcher
 * in one signal whenever the workflow is about to wait, and before it ends — one signal per
 * stretch of work instead of one per event.
 */
export class AuditTrail {
  private sequence = 0;
  private pending: AuditEvent[] = [];
  private readonly deliveries: Promise<void>[] = [];

  constructor(
    private readonly entityType: AuditEvent['entityType'],
    private readonly entityId: string,
    private readonly settings: AuditSettings,
  ) {}

  /** Never awaited by the caller: a transaction must not wait, let alone fail, on auditing. */
  record(action: string, entry: AuditEntry): AuditEvent {
    this.sequence += 1;
    const event: AuditEvent = {
      id: `${this.entityType}:${this.entityId}:${this.sequence}:${action}`,
      entityType: this.entityType,
      entityId: this.entityId,
      sequence: this.sequence,
      action,
      actor: entry.actor,
      companyId: entry.companyId ?? null,
      before: entry.before ?? null,
      after: entry.after ?? null,
      occurredAt: new Date().toISOString(),
    };
    this.pending.push(event);
    return event;
  }

  /** Sends what is pending; called before the workflow waits on anything that may take long. */
  flush(): void {
    if (this.pending.length === 0) return;
    const events = this.pending;
    this.pending = [];
    // Survives cancellation of the transaction: its cancellation is audited too.
    this.deliveries.push(CancellationScope.nonCancellable(() => this.deliver(events)).catch(() => undefined));
  }

  /**
   * The pending events, for an activity to publish (the last status write of a payment): they
   * leave the workflow with that activity instead of by signal.
   */
  handOver(): PublishAuditEventsInput {
    const events = this.pending;
    this.pending = [];
    return { events, shards: this.settings.auditShards, batchSize: this.settings.auditBatchSize, flushMs: this.settings.auditFlushMs };
  }

  /** Awaited once, before the workflow returns, so no event is left behind. */
  async delivered(): Promise<void> {
    // Events recorded while we wait (a late signal's audit entry) are sent and awaited too.
    let awaited = 0;
    this.flush();
    while (awaited < this.deliveries.length) {
      const batch = this.deliveries.slice(awaited);
      awaited = this.deliveries.length;
      await Promise.all(batch);
      this.flush();
    }
  }

  private async deliver(events: AuditEvent[]): Promise<void> {
    const shard = auditShardFor(this.entityId, this.settings.auditShards);
    try {
      await getExternalWorkflowHandle(auditBatcherWorkflowId(workflowInfo().taskQueue, shard)).signal(auditEventsSignal, events);
    } catch {
      await publishAuditEvents({
        events,
        shards: this.settings.auditShards,
        batchSize: this.settings.auditBatchSize,
        flushMs: this.settings.auditFlushMs,
      });
    }
  }
}
