import { patched } from '@temporalio/workflow';
import type { AuditDeadLetter, AuditEvent } from '../../contract';
import { checkAuditEvents, jsonText } from './payload';
import { AUDIT_POISON_SAFE_PATCH } from './patches';
import type { AuditTally } from './tally';

/** How much of a malformed payload is kept in its dead letter. */
const MAX_MALFORMED_TEXT = 16_000;

/**
 * What the batcher has received and not yet written: events in arrival order, each once, and
 * the dead letters of malformed payload items, which the main loop records (handlers do not await).
 */
export class AuditInbox {
  private readonly buffer: AuditEvent[] = [];
  private readonly buffered = new Set<string>();
  private readonly malformed: AuditDeadLetter[] = [];

  constructor(
    private readonly run: { workflowId: string; runId: string },
    private readonly tally: AuditTally,
  ) {}

  /** Events buffered. */
  get size(): number {
    return this.buffer.length;
  }

  get hasMalformed(): boolean {
    return this.malformed.length > 0;
  }

  /** Buffers a payload's events; returns how many items it had. */
  receive(payload: unknown): number {
    const checked = checkAuditEvents(payload);
    if (checked.malformed.length > 0 && patched(AUDIT_POISON_SAFE_PATCH)) {
      this.take(checked.events);
      for (const { item, problem } of checked.malformed) this.deadLetter(item, problem);
      return checked.events.length + checked.malformed.length;
    }
    // As before the patch: a well-formed payload is taken whole.
    const events = payload as AuditEvent[];
    this.take(events);
    return events.length;
  }

  /** The oldest `size` buffered events; they stay buffered until `remove`d. */
  peek(size: number): AuditEvent[] {
    return this.buffer.slice(0, size);
  }

  /** Forgets a batch `peek` returned, once written (events received meanwhile were appended behind it). */
  remove(batch: AuditEvent[]): void {
    this.buffer.splice(0, batch.length);
    for (const event of batch) this.buffered.delete(event.id);
  }

  /** Everything buffered, for the continue-as-new input. */
  takeAll(): AuditEvent[] {
    return this.buffer.splice(0);
  }

  takeMalformed(): AuditDeadLetter[] {
    return this.malformed.splice(0);
  }

  private take(events: AuditEvent[]): void {
    for (const event of events) {
      // A resent signal (activity retry) must not become a second row in one INSERT.
      if (this.buffered.has(event.id)) continue;
      this.buffered.add(event.id);
      this.buffer.push(event);
    }
  }

  private deadLetter(item: unknown, problem: string): void {
    this.tally.malformedDropped += 1;
    const { workflowId, runId } = this.run;
    this.malformed.push({
      eventId: `malformed:${workflowId}:${runId}:${this.tally.malformedDropped}`,
      kind: 'malformed',
      batcher: workflowId,
      event: jsonText(item, MAX_MALFORMED_TEXT),
      reason: `malformed auditEvents payload: ${problem}`,
    });
  }
}
