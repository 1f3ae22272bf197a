export interface AuditEvent {
  /** Deterministic: the same state change always yields the same id. */
  id: string;
  entityType: 'transaction' | 'payment_code' | 'ticket';
  entityId: string;
  sequence: number;
  action: string;
  actor: string;
  companyId: string | null;
  before: unknown;
  after: unknown;
  occurredAt: string;
}

export interface AuditBatcherInput {
  shard: number;
  batchSize: number;
  flushMs: number;
  /** Events carried over a continue-as-new, not yet written. */
  pending?: AuditEvent[];
  totalFlushed?: number;
  flushes?: number;
  lastFlushAt?: string | null;
  /** Events a batcher run takes before it continues as new, whatever the server suggests. */
  maxEventsPerRun?: number;
}

export interface AuditBatcherStats {
  shard: number;
  buffered: number;
  totalFlushed: number;
  flushes: number;
  lastFlushAt: string | null;
  eventsThisRun: number;
}
