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
  /** Carried over a continue-as-new, like the counters above (absent before they existed). */
  malformedDropped?: number;
  deadLettered?: number;
}

export interface AuditBatcherStats {
  shard: number;
  buffered: number;
  totalFlushed: number;
  flushes: number;
  lastFlushAt: string | null;
  eventsThisRun: number;
  /** Items of `auditEvents` payloads that were no well-formed AuditEvent: dropped and dead-lettered. */
  malformedDropped: number;
  /** Events PostgreSQL refused: set aside in audit_dead_letters while the rest of their batch was written. */
  deadLettered: number;
}

/**
 * The `type` of the non-retryable ApplicationFailure writeAuditBatch throws when PostgreSQL
 * refuses the data itself (SQLSTATE class 22, 23 or 54), not when it cannot be reached: the
 * batcher then splits the batch to set the refused event aside instead of retrying it.
 */
export const AUDIT_EVENT_REFUSED = 'AuditEventRefused';

/** What the audit trail could not store, kept with why (table audit_dead_letters, one row per event id). */
export interface AuditDeadLetter {
  /** The event's id; for a malformed payload item, `malformed:<batcher>:<runId>:<n>`. */
  eventId: string;
  /** `refused`: PostgreSQL refused the event; `malformed`: it was no AuditEvent at all. */
  kind: 'refused' | 'malformed';
  /** The workflow id of the batcher that set it aside. */
  batcher: string;
  /** What arrived, as JSON text (lone surrogates and NUL escaped): exactly what jsonb would not take. */
  event: string;
  /** The database's error message, or what was wrong with the payload. */
  reason: string;
}
