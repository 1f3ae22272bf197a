import type { Db } from '../pool';
import { preparedStatement } from '../preparedStatement';

export async function transactionExists(db: Db, transactionId: string): Promise<boolean> {
  const { rowCount } = await db.query('SELECT 1 FROM transactions WHERE id = $1', [transactionId]);
  return (rowCount ?? 0) > 0;
}

const PAYMENT_PRE_CHECK = preparedStatement<[string, string]>(
  'apiReads.paymentPreCheck',
  `SELECT EXISTS (SELECT 1 FROM transactions WHERE id = $1) AS known,
            (SELECT t.company_id FROM payment_codes pc JOIN tickets t ON t.id = pc.ticket_id WHERE pc.id = $2) AS company_id`,
);

/**
 * The payment webhook's one query: whether the database already knows the payment (a workflow
 * Temporal may have forgotten), and the company of the code it paid, so the workflow starts
 * with its CompanyId search attribute set instead of adding it in a history event of its own.
 */
export async function paymentPreCheck(
  db: Db,
  transactionId: string,
  paymentCodeId: string,
): Promise<{ known: boolean; companyId: string | null }> {
  const { rows } = await db.query(PAYMENT_PRE_CHECK([transactionId, paymentCodeId]));
  return { known: rows[0].known as boolean, companyId: (rows[0].company_id as string | null) ?? null };
}

export async function findTicket(db: Db, ticketId: string) {
  const { rows } = await db.query(
    `SELECT t.*, pc.ussd_code, pc.expire_time, pc.status AS payment_code_status
       FROM tickets t LEFT JOIN payment_codes pc ON pc.id = t.payment_code_id
      WHERE t.id = $1`,
    [ticketId],
  );
  const row = rows[0];
  if (!row) return null;
  return {
    id: row.id,
    status: row.status,
    routeId: row.route_id,
    companyId: row.company_id,
    passengerName: row.passenger_name,
    passengerPhone: row.passenger_phone,
    price: { currency: row.currency, value: row.price_minor },
    paymentCodeId: row.payment_code_id,
    paymentCode: row.payment_code_id
      ? { id: row.payment_code_id, ussdCode: row.ussd_code, expireTime: row.expire_time, status: row.payment_code_status }
      : null,
    transactionId: row.transaction_id,
    createdAt: row.created_at,
    issuedAt: row.issued_at,
    releasedAt: row.released_at,
  };
}

export async function findTransaction(db: Db, transactionId: string) {
  const { rows } = await db.query(
    `SELECT t.*, ct.monime_transfer_id, ct.status AS transfer_status, ct.amount_minor AS transfer_amount, ct.idempotency_key, ct.round,
            pc.amount_minor AS expected_minor, pc.currency AS expected_currency
       FROM transactions t
       LEFT JOIN commission_transfers ct ON ct.transaction_id = t.id
       LEFT JOIN payment_codes pc ON pc.id = t.payment_code_id
      WHERE t.id = $1`,
    [transactionId],
  );
  const row = rows[0];
  if (!row) return null;
  return {
    id: row.id,
    status: row.status,
    ticketId: row.ticket_id,
    companyId: row.company_id,
    paymentCodeId: row.payment_code_id,
    amount: { currency: row.currency, value: row.amount_minor },
    expectedAmount: row.expected_minor === null ? null : { currency: row.expected_currency, value: row.expected_minor },
    commission: row.commission_minor,
    net: row.net_minor,
    transfer: row.transfer_status
      ? {
          id: row.monime_transfer_id,
          status: row.transfer_status,
          amount: row.transfer_amount,
          idempotencyKey: row.idempotency_key,
          round: row.round,
        }
      : null,
    workflowId: row.workflow_id,
    attentionReason: row.attention_reason,
    resolution: row.resolution,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    completedAt: row.completed_at,
  };
}
