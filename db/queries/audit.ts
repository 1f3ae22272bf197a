import type { AuditEvent } from '../../contract';
import type { Db } from '../pool';

/**
 * One multi-row INSERT per batch, whatever its size: the point of batching. Idempotent on
 * the event id, so a flush retried after a crash writes nothing twice.
 */
export async function insertAuditEvents(db: Db, events: AuditEvent[]): Promise<number> {
  if (events.length === 0) return 0;
  const column = <K extends keyof AuditEvent>(key: K) => events.map((event) => event[key]);
  const json = (key: 'before' | 'after') => events.map((event) => (event[key] === undefined ? null : JSON.stringify(event[key])));
  const result = await db.query(
    `INSERT INTO audit_logs (id, entity_type, entity_id, sequence, action, actor, company_id, before, after, occurred_at)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::text[], $6::text[], $7::text[], $8::jsonb[], $9::jsonb[], $10::timestamptz[])
     ON CONFLICT (id) DO NOTHING`,
    [
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
    ],
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
