import { allHandlersFinished, condition, patched } from '@temporalio/workflow';
import type { AuditInbox } from './inbox';
import { AUDIT_BOUNDED_DRAIN_PATCH } from './patches';
import type { AuditWriter } from './writer';

/** Events a run hands over unwritten (continue-as-new input; Temporal refuses payloads over 2 MB). */
const MAX_CARRIED_EVENTS = 500;

/**
 * Writes what is buffered, `batchSize` at a time. Once the run must hand over, it does as soon
 * as what is left is small enough to travel in the continue-as-new input, and at the latest once
 * the batches buffered at that moment are written: events arriving as fast as they are written
 * no longer keep it from handing over, and a backlog (a worker back after an outage) is not
 * carried whole into one payload.
 */
export async function drain(inbox: AuditInbox, writer: AuditWriter, batchSize: number, mustHandOver: () => boolean): Promise<void> {
  let owed = Infinity;
  while (inbox.size >= batchSize || (inbox.size > 0 && !mustHandOver())) {
    if (mustHandOver()) {
      owed = Math.min(owed, inbox.size);
      if ((inbox.size <= MAX_CARRIED_EVENTS || owed < batchSize) && patched(AUDIT_BOUNDED_DRAIN_PATCH)) break;
    }
    const batch = inbox.peek(batchSize);
    await writer.write(batch);
    inbox.remove(batch);
    owed -= batch.length;
  }
}

/** Before the hand-over: lets signal handlers finish and records the dead letters they leave. What they buffer travels with the run. */
export async function settleHandlers(inbox: AuditInbox, writer: AuditWriter): Promise<void> {
  for (;;) {
    await condition(allHandlersFinished);
    if (!inbox.hasMalformed) break;
    await writer.setAside(inbox.takeMalformed());
  }
}
