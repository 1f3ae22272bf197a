import type { TransferStatus } from '../../contract';
import type { Db } from '../pool';
import { preparedStatement } from '../preparedStatement';

export interface TransferIntent {
  transactionId: string;
  idempotencyKey: string;
  round: number;
  sourceAccountId: string;
  destinationAccountId: string;
  amountMinor: number;
  currency: string;
}

export interface TransferRow {
  transactionId: string;
  idempotencyKey: string;
  round: number;
  monimeTransferId: string | null;
  status: TransferStatus;
  amountMinor: number;
  failureReason: string | null;
  /** Seconds since the current round's first attempt (round_started_at), by the database's clock. */
  roundAgeSeconds: number;
}

/** The columns toTransferRow reads, named: a prepared statement must not return `*` (db/preparedStatement.ts). */
const TRANSFER_COLUMNS =
  'transaction_id, idempotency_key, round, monime_transfer_id, status, amount_minor, failure_reason, ' +
  'extract(epoch FROM now() - round_started_at)::float8 AS round_age_seconds';

const RECORD_TRANSFER_INTENT = preparedStatement<[string, string, number, string, string, number, string]>(
  'transfers.recordTransferIntent',
  `INSERT INTO commission_transfers
       (transaction_id, idempotency_key, round, source_account_id, destination_account_id, amount_minor, currency, status)
     VALUES ($1, $2, $3, $4, $5, $6, $7, 'requested')
     ON CONFLICT (transaction_id) DO UPDATE
       SET idempotency_key = EXCLUDED.idempotency_key, round = EXCLUDED.round, status = 'requested',
           monime_transfer_id = NULL, failure_reason = NULL, updated_at = now(), round_started_at = now()
       WHERE commission_transfers.round < EXCLUDED.round
     RETURNING ${TRANSFER_COLUMNS}`,
);

/**
 * Records the intent before MoniMe is called, so a crash between the call and its answer
 * leaves a row that says a transfer may exist under this key. A later round replaces the
 * key only after MoniMe reported the earlier one failed; an older round never overwrites.
 */
export async function recordTransferIntent(db: Db, intent: TransferIntent): Promise<TransferRow> {
  const { rows } = await db.query(
    RECORD_TRANSFER_INTENT([
      intent.transactionId,
      intent.idempotencyKey,
      intent.round,
      intent.sourceAccountId,
      intent.destinationAccountId,
      intent.amountMinor,
      intent.currency,
    ]),
  );
  return rows[0] ? toTransferRow(rows[0]) : (await getTransfer(db, intent.transactionId))!;
}

const RECORD_TRANSFER_STATE = preparedStatement<[string, number, string | null, TransferStatus, string | null]>(
  'transfers.recordTransferState',
  `UPDATE commission_transfers
        SET monime_transfer_id = COALESCE($3, monime_transfer_id), status = $4, failure_reason = $5, updated_at = now(),
            completed_at = CASE WHEN $4 = 'completed' THEN COALESCE(completed_at, now()) ELSE completed_at END
      WHERE transaction_id = $1 AND round = $2
        AND (status NOT IN ('completed', 'failed') OR status = $4)`,
);

export async function recordTransferState(
  db: Db,
  transactionId: string,
  round: number,
  state: { monimeTransferId: string | null; status: TransferStatus; failureReason?: string | null },
): Promise<void> {
  // Never move a final status backwards (a late `pending` poll after the completion webhook).
  await db.query(RECORD_TRANSFER_STATE([transactionId, round, state.monimeTransferId, state.status, state.failureReason ?? null]));
}

const GET_TRANSFER = preparedStatement<[string]>(
  'transfers.getTransfer',
  `SELECT ${TRANSFER_COLUMNS} FROM commission_transfers WHERE transaction_id = $1`,
);

export async function getTransfer(db: Db, transactionId: string): Promise<TransferRow | null> {
  const { rows } = await db.query(GET_TRANSFER([transactionId]));
  return rows[0] ? toTransferRow(rows[0]) : null;
}

function toTransferRow(row: Record<string, unknown>): TransferRow {
  return {
    transactionId: row.transaction_id as string,
    idempotencyKey: row.idempotency_key as string,
    round: row.round as number,
    monimeTransferId: (row.monime_transfer_id as string | null) ?? null,
    status: row.status as TransferStatus,
    amountMinor: Number(row.amount_minor),
    failureReason: (row.failure_reason as string | null) ?? null,
    roundAgeSeconds: Number(row.round_age_seconds ?? 0),
  };
}
