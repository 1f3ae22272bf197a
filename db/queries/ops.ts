import { randomUUID } from 'node:crypto';
import type { OperatorActionKind } from '../../contract';
import type { Db } from '../pool';

export interface UnsentOperatorAction {
  transactionId: string;
  kind: OperatorActionKind;
  operator: string;
  note?: string;
  decision?: string;
  /** Why nothing was sent, e.g. "transaction already completed". */
  outcome: string;
}

/**
 * A closed workflow cannot take a signal, so it cannot audit one either: the ops CLI writes
 * the attempt into the same trail, shaped like the workflow's own `operator_<kind>` events,
 * so `show` tells the whole story of who tried what and when.
 */
export async function recordUnsentOperatorAction(db: Db, action: UnsentOperatorAction): Promise<void> {
  const after = { kind: action.kind, decision: action.decision, note: action.note, operator: action.operator, outcome: action.outcome };
  await db.query(
    `INSERT INTO audit_logs (id, entity_type, entity_id, sequence, action, actor, company_id, before, after, occurred_at)
     SELECT $1, 'transaction', $2::text,
            (SELECT COALESCE(MAX(sequence), 0) + 1 FROM audit_logs WHERE entity_type = 'transaction' AND entity_id = $2::text),
            $3, $4, (SELECT company_id FROM transactions WHERE id = $2::text), NULL, $5::jsonb, now()`,
    [
      `transaction:${action.transactionId}:ops-cli:${randomUUID()}:operator_${action.kind}`,
      action.transactionId,
      `operator_${action.kind}`,
      action.operator,
      JSON.stringify(after),
    ],
  );
}

/** What the database says about a transaction whose workflow can no longer answer. */
export async function transactionStatusOf(db: Db, transactionId: string): Promise<string | null> {
  const { rows } = await db.query('SELECT status FROM transactions WHERE id = $1', [transactionId]);
  return rows[0]?.status ?? null;
}
