import type { AuditBatcherInput, AuditBatcherStats, AuditEvent } from '../../contract';

/** The counters a batcher carries over continue-as-new, in the order its input lists them. */
export type CarriedCounts = Pick<AuditBatcherInput, 'totalFlushed' | 'flushes' | 'lastFlushAt' | 'malformedDropped' | 'deadLettered'>;

/** What a batcher has done: carried from run to run, plus what this run has taken. */
export class AuditTally {
  totalFlushed: number;
  flushes: number;
  lastFlushAt: string | null;
  malformedDropped: number;
  deadLettered: number;
  /** Items received by signal in this run (not those carried in), counted towards its hand-over. */
  eventsThisRun = 0;

  constructor(input: AuditBatcherInput) {
    this.totalFlushed = input.totalFlushed ?? 0;
    this.flushes = input.flushes ?? 0;
    this.lastFlushAt = input.lastFlushAt ?? null;
    this.malformedDropped = input.malformedDropped ?? 0;
    this.deadLettered = input.deadLettered ?? 0;
  }

  wrote(events: AuditEvent[]): void {
    this.totalFlushed += events.length;
    this.flushes += 1;
    this.lastFlushAt = new Date().toISOString();
  }

  stats(shard: number, buffered: number): AuditBatcherStats {
    return {
      shard,
      buffered,
      totalFlushed: this.totalFlushed,
      flushes: this.flushes,
      lastFlushAt: this.lastFlushAt,
      eventsThisRun: this.eventsThisRun,
      malformedDropped: this.malformedDropped,
      deadLettered: this.deadLettered,
    };
  }

  carried(): CarriedCounts {
    return {
      totalFlushed: this.totalFlushed,
      flushes: this.flushes,
      lastFlushAt: this.lastFlushAt,
      malformedDropped: this.malformedDropped,
      deadLettered: this.deadLettered,
    };
  }
}
