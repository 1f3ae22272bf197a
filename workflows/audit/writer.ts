import { ActivityFailure, ApplicationFailure, patched, proxyActivities } from '@temporalio/workflow';
import { AUDIT_EVENT_REFUSED, type AuditActivities, type AuditDeadLetter, type AuditEvent } from '../../contract';
import { AUDIT_DEAD_LETTER_RETRY, AUDIT_WRITE_RETRY, AUDIT_WRITE_TRY_RETRY } from '../retryPolicies';
import { jsonText } from './payload';
import { AUDIT_POISON_SAFE_PATCH } from './patches';
import type { AuditTally } from './tally';

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
 * Writes batches of audit events. A batch PostgreSQL will not take is halved until what it
 * refuses stands alone and is set aside in audit_dead_letters; the rest is written.
 */
export class AuditWriter {
  constructor(
    private readonly batcher: string,
    private readonly tally: AuditTally,
  ) {}

  async write(batch: AuditEvent[]): Promise<void> {
    try {
      await tryAuditBatch(batch);
    } catch (error) {
      // Before the patch no write could fail: it was retried for ever.
      if (!patched(AUDIT_POISON_SAFE_PATCH)) throw error;
      await this.writeOrSetAside(batch, error);
      return;
    }
    this.tally.wrote(batch);
  }

  async setAside(letters: AuditDeadLetter[]): Promise<void> {
    await recordAuditDeadLetters(letters);
  }

  /** A batch that failed: halved until what PostgreSQL refuses stands alone and is set aside; the rest is written. */
  private async writeOrSetAside(batch: AuditEvent[], failure: unknown): Promise<void> {
    if (batch.length > 1) {
      const half = Math.ceil(batch.length / 2);
      for (const part of [batch.slice(0, half), batch.slice(half)]) {
        try {
          await tryAuditBatch(part);
        } catch (error) {
          await this.writeOrSetAside(part, error);
          continue;
        }
        this.tally.wrote(part);
      }
      return;
    }
    await this.writeOneOrSetAside(batch, failure);
  }

  /** A single event that failed: set aside if refused; if the database is away instead, written once it is back. */
  private async writeOneOrSetAside(batch: AuditEvent[], failure: unknown): Promise<void> {
    let reason = refusalOf(failure);
    if (reason === null) {
      // Not refused, yet failing: the database is away, not at fault with this event. Wait for it.
      try {
        await writeAuditBatch(batch);
        this.tally.wrote(batch);
        return;
      } catch (error) {
        reason = refusalOf(error) ?? messageOf(error);
      }
    }
    await this.setAside([{ eventId: batch[0].id, kind: 'refused', batcher: this.batcher, event: jsonText(batch[0]), reason }]);
    this.tally.deadLettered += 1;
  }
}
