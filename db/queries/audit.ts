import type { AuditDeadLetter, AuditEvent } from '../../contract';
import type { Db } from '../pool';
import { preparedStatement } from '../preparedStatement';

const INSERT_AUDIT_EVENTS = preparedStatement<unknown[]>(
  'audit.insertAuditEvents',
  `INSERT INTO audit_logs (id, entity_type, entity_id, sequence, action, actor, company_id, before, after, occurred_at)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::text[], $6::text[], $7::text[], $8::jsonb[], $9::jsonb[], $10::timestamptz[])
     ON CONFLICT (id) DO NOTHING`,
);

/**
 * One multi-row INSERT per batch, whatever its size: the point of batching. Idempotent on
 * the event id, so a flush retried after a crash writes nothing twice.
 */
export async function insertAuditEvents(db: Db, events: AuditEvent[]): Promise<number> {
  if (events.length === 0) return 0;
  const column = <K extends keyof AuditEvent>(key: K) => events.map((event) => event[key]);
  const json = (key: 'before' | 'after') => events.map((event) => (event[key] === undefined ? null : JSON.stringify(event[key])));
  const result = await db.query(
    INSERT_AUDIT_EVENTS([
      column('id'),
      column('entityType'),
      column('entityId'),
      column('sequence'),
      column('action'),
      column('actor'),
      column('companyId'),
      json('before'),
      json('after'),
      column('occurredAt'),
    ]),
  );
  return result.rowCount ?? 0;
}

export async function listAuditTrail(db: Db, entityType: string, entityId: string): Promise<AuditEvent[]> {
  const { rows } = await db.query(
    `SELECT id, entity_type, entity_id, sequence, action, actor, company_id, before, after, occurred_at
       FROM audit_logs WHERE entity_type = $1 AND entity_id = $2
      ORDER BY occurred_at, sequence`,
    [entityType, entityId],
  );
  return rows.map((row) => ({
    id: row.id,
    entityType: row.entity_type,
    entityId: row.entity_id,
    sequence: row.sequence,
    action: row.action,
    actor: row.actor,
    companyId: row.company_id,
    before: row.before,
    after: row.after,
    occurredAt: (row.occurred_at as Date).toISOString(),
  }));
}

/** What a text column takes: NUL removed (a lone surrogate already reaches PostgreSQL as U+FFFD). */
const storable = (text: string) => text.split('\u0000').join('');

/**
 * Sets events aside, idempotent on the event id. Every value goes into a text column, NUL
 * removed, so what the audit trail refused is stored here whatever it holds.
 */
export async function insertAuditDeadLetters(db: Db, letters: AuditDeadLetter[]): Promise<number> {
  if (letters.length === 0) return 0;
  const column = (key: keyof AuditDeadLetter) => letters.map((letter) => storable(String(letter[key])));
  const result = await db.query(
    `INSERT INTO audit_dead_letters (event_id, kind, batcher, event, reason)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])
     ON CONFLICT (event_id) DO NOTHING`,
    [column('eventId'), column('kind'), column('batcher'), column('event'), column('reason')],
  );
  return result.rowCount ?? 0;
}

/** Dead letters by kind, for the `fareflow_audit_dead_letters` gauge. */
export async function countAuditDeadLetters(db: Db): Promise<Record<AuditDeadLetter['kind'], number>> {
  const { rows } = await db.query(`SELECT kind, count(*)::int AS n FROM audit_dead_letters GROUP BY kind`);
  const counts: Record<AuditDeadLetter['kind'], number> = { refused: 0, malformed: 0 };
  for (const row of rows as Array<{ kind: AuditDeadLetter['kind']; n: number }>) counts[row.kind] = row.n;
  return counts;
}
