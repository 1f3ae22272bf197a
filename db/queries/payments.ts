import type { PoolClient } from 'pg';
import type {
  AcceptOutcome,
  ApplyPaymentInput,
  ApplyPaymentResult,
  AttentionReason,
  ReleasedTicket,
  ReleaseReservationResult,
  TransactionFacts,
  TransactionStatus,
} from '../../contract';
import { splitPayment } from '../../domain/money';
import type { Db } from '../pool';

async function inTransaction<T>(db: Db, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await db.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

const FACTS_SQL = `
  SELECT t.id, t.status, t.attention_reason, t.ticket_id, t.company_id, t.commission_minor, t.net_minor,
         c.financial_account_id, pc.amount_minor AS expected_minor, pc.currency AS expected_currency
    FROM transactions t
    LEFT JOIN companies c ON c.id = t.company_id
    LEFT JOIN payment_codes pc ON pc.id = t.payment_code_id
   WHERE t.id = $1`;

function toFacts(row: Record<string, unknown>): TransactionFacts {
  return {
    transactionId: row.id as string,
    status: row.status as TransactionStatus,
    reason: (row.attention_reason as AttentionReason | null) ?? null,
    ticketId: (row.ticket_id as string | null) ?? null,
    companyId: (row.company_id as string | null) ?? null,
    commission: (row.commission_minor as number | null) ?? null,
    net: (row.net_minor as number | null) ?? null,
    destinationAccountId: (row.financial_account_id as string | null) ?? null,
    expectedAmount: row.expected_minor === null || row.expected_minor === undefined ? null : { currency: row.expected_currency as string, value: Number(row.expected_minor) },
  };
}

export async function getTransactionFacts(db: Db | PoolClient, transactionId: string): Promise<TransactionFacts | null> {
  const { rows } = await db.query(FACTS_SQL, [transactionId]);
  return rows[0] ? toFacts(rows[0]) : null;
}

/**
 * Applies a payment to its reservation in one database transaction: ticket issued, code
 * completed, transaction row written. Safe to run again: a retry after a lost commit
 * finds the transaction row and returns what was decided the first time.
 */
export async function applyPayment(db: Db, input: ApplyPaymentInput): Promise<ApplyPaymentResult> {
  return inTransaction(db, async (client) => {
    await client.query(
      `INSERT INTO transactions (id, workflow_id, event_id, payment_code_id, amount_minor, currency, status)
       VALUES ($1, $2, $3, $4, $5, $6, 'processing')
       ON CONFLICT (id) DO NOTHING`,
      [input.transactionId, input.workflowId, input.eventId, input.paymentCodeId, input.amount.value, input.amount.currency],
    );
    const existing = await client.query(`SELECT status, attention_reason, ticket_id FROM transactions WHERE id = $1 FOR UPDATE`, [input.transactionId]);
    const current = existing.rows[0];
    if (current.ticket_id !== null || current.attention_reason !== null || current.status !== 'processing') {
      const facts = (await getTransactionFacts(client, input.transactionId))!;
      return { ...facts, outcome: facts.reason === null ? 'applied' : 'needs_attention' };
    }

    const code = await lockPaymentCodeAndTicket(client, input.paymentCodeId);
    const reason = code ? rejectionReason(code, input) : 'unknown_payment_code';

    if (reason !== null) {
      await client.query(
        `UPDATE transactions
            SET status = 'needs_attention', attention_reason = $2, ticket_id = $3, company_id = $4, updated_at = now()
          WHERE id = $1`,
        [input.transactionId, reason, code?.ticket_id ?? null, code?.company_id ?? null],
      );
    } else if (code) {
      await issueTicket(client, input.transactionId, input.paymentCodeId, code.ticket_id, code.company_id, input.amount.value, code.commission_bps);
    }
    const facts = (await getTransactionFacts(client, input.transactionId))!;
    return { ...facts, outcome: reason === null ? 'applied' : 'needs_attention' };
  });
}

/** The code, its ticket and the company's commission, locked for the rest of the transaction. */
async function lockPaymentCodeAndTicket(client: PoolClient, paymentCodeId: string): Promise<Record<string, any> | undefined> {
  const { rows } = await client.query(
    `SELECT pc.status AS code_status, pc.transaction_id AS code_transaction_id, pc.amount_minor, pc.currency,
            tk.id AS ticket_id, tk.status AS ticket_status, tk.company_id, tk.currency AS ticket_currency, c.commission_bps
       FROM payment_codes pc
       JOIN tickets tk ON tk.id = pc.ticket_id
       JOIN companies c ON c.id = tk.company_id
      WHERE pc.id = $1
        FOR UPDATE OF pc, tk`,
    [paymentCodeId],
  );
  return rows[0];
}

function rejectionReason(code: Record<string, unknown>, input: ApplyPaymentInput): AttentionReason | null {
  if (code.code_transaction_id !== null && code.code_transaction_id !== input.transactionId) return 'payment_code_already_used';
  if (code.code_status === 'completed') return 'payment_code_already_used';
  if (code.code_status !== 'pending' || code.ticket_status !== 'reserved') return 'payment_code_expired';
  if (code.currency !== input.amount.currency) return 'currency_mismatch';
  if (Number(code.amount_minor) !== input.amount.value) return 'amount_mismatch';
  return null;
}

async function issueTicket(
  client: PoolClient,
  transactionId: string,
  paymentCodeId: string,
  ticketId: string,
  companyId: string,
  paidMinor: number,
  commissionBps: number,
): Promise<void> {
  const { commission, net } = splitPayment(paidMinor, commissionBps);
  await client.query(
    `UPDATE tickets SET status = 'issued', transaction_id = $2, issued_at = now(), updated_at = now() WHERE id = $1`,
    [ticketId, transactionId],
  );
  await client.query(
    `UPDATE payment_codes SET status = 'completed', transaction_id = $2, updated_at = now() WHERE id = $1`,
    [paymentCodeId, transactionId],
  );
  await client.query(
    `UPDATE transactions
        SET status = 'processing', attention_reason = NULL, ticket_id = $2, company_id = $3,
            commission_minor = $4, net_minor = $5, updated_at = now()
      WHERE id = $1`,
    [transactionId, ticketId, companyId, commission, net],
  );
}

/**
 * An operator accepts a payment that could not be applied as it came: the ticket is
 * issued for the amount actually paid. Refused where there is no reservation to honour
 * or the code already paid for another ticket.
 */
export async function acceptPayment(db: Db, transactionId: string): Promise<AcceptOutcome> {
  return inTransaction(db, async (client) => {
    const { rows } = await client.query(
      `SELECT t.status, t.attention_reason, t.ticket_id, t.payment_code_id, t.amount_minor, t.currency
         FROM transactions t WHERE t.id = $1 FOR UPDATE`,
      [transactionId],
    );
    const txn = rows[0];
    if (!txn) return { accepted: false, refusal: 'unknown transaction' };
    if (txn.attention_reason === null && txn.ticket_id !== null) {
      return { accepted: true, facts: (await getTransactionFacts(client, transactionId))! };
    }
    const refusal = acceptRefusal(txn.attention_reason);
    if (refusal) return { accepted: false, refusal };

    const code = await lockPaymentCodeAndTicket(client, txn.payment_code_id);
    if (!code) return { accepted: false, refusal: 'the payment code is unknown: there is no reservation to honour' };
    if (code.code_transaction_id !== null && code.code_transaction_id !== transactionId) {
      return { accepted: false, refusal: 'the payment code already paid for another transaction' };
    }
    if (code.ticket_currency !== txn.currency) {
      return { accepted: false, refusal: `paid in ${txn.currency}, the ticket is priced in ${code.ticket_currency}` };
    }
    if (code.ticket_status === 'cancelled') return { accepted: false, refusal: 'the ticket was cancelled' };
    await issueTicket(client, transactionId, txn.payment_code_id, code.ticket_id, code.company_id, Number(txn.amount_minor), code.commission_bps);
    await client.query(`UPDATE transactions SET resolution = jsonb_build_object('accepted', true) WHERE id = $1`, [transactionId]);
    return { accepted: true, facts: (await getTransactionFacts(client, transactionId))! };
  });
}

function acceptRefusal(reason: AttentionReason | null): string | null {
  switch (reason) {
    case 'unknown_payment_code':
      return 'the payment code is unknown: there is no reservation to honour';
    case 'payment_code_already_used':
      return 'the payment code already paid for another ticket';
    case 'currency_mismatch':
      return 'paid in another currency than the ticket: reject and refund instead';
    default:
      return null;
  }
}

export async function setTransactionStatus(
  db: Db,
  transactionId: string,
  status: TransactionStatus,
  reason: AttentionReason | null,
  resolution?: Record<string, unknown>,
): Promise<void> {
  await db.query(
    `UPDATE transactions
        SET status = $2, attention_reason = $3, updated_at = now(),
            resolution = COALESCE($4::jsonb, resolution),
            completed_at = CASE WHEN $2 = 'completed' THEN COALESCE(completed_at, now()) ELSE completed_at END
      WHERE id = $1`,
    [transactionId, status, reason, resolution ? JSON.stringify(resolution) : null],
  );
}

/**
 * Gives a cancelled transaction's seat back: the ticket it issued (or held) is cancelled.
 * Returns the ticket's status before, for the audit trail.
 */
export async function releaseTicketOfTransaction(db: Db, transactionId: string): Promise<ReleasedTicket> {
  return inTransaction(db, async (client) => {
    const { rows } = await client.query(
      `SELECT tk.id, tk.status, tk.transaction_id
         FROM transactions t JOIN tickets tk ON tk.id = t.ticket_id
        WHERE t.id = $1 FOR UPDATE OF tk`,
      [transactionId],
    );
    const ticket = rows[0];
    if (!ticket) return { ticketId: null, before: null };
    // Only a ticket this transaction issued, or one still waiting for payment, is ours to release.
    if (ticket.status === 'issued' && ticket.transaction_id !== transactionId) return { ticketId: ticket.id, before: ticket.status };
    if (ticket.status === 'issued' || ticket.status === 'reserved') {
      await client.query(`UPDATE tickets SET status = 'cancelled', released_at = now(), updated_at = now() WHERE id = $1`, [ticket.id]);
    }
    return { ticketId: ticket.id, before: ticket.status };
  });
}

/** payment_code.expired: the seat goes back on sale unless the customer paid in time. */
export async function releaseReservation(db: Db, paymentCodeId: string): Promise<ReleaseReservationResult> {
  return inTransaction(db, async (client) => {
    const { rows } = await client.query(
      `SELECT pc.status AS code_status, tk.id AS ticket_id, tk.status AS ticket_status, tk.company_id
         FROM payment_codes pc JOIN tickets tk ON tk.id = pc.ticket_id
        WHERE pc.id = $1 FOR UPDATE OF pc, tk`,
      [paymentCodeId],
    );
    const code = rows[0];
    if (!code) return { outcome: 'unknown_payment_code', ticketId: null, companyId: null };
    const facts = { ticketId: code.ticket_id as string, companyId: code.company_id as string };
    if (code.code_status === 'completed' || code.ticket_status === 'issued') return { outcome: 'already_paid', ...facts };
    if (code.code_status !== 'pending') return { outcome: 'already_released', ...facts };
    await client.query(`UPDATE payment_codes SET status = 'expired', updated_at = now() WHERE id = $1`, [paymentCodeId]);
    await client.query(
      `UPDATE tickets SET status = 'expired', released_at = now(), updated_at = now() WHERE id = $1 AND status = 'reserved'`,
      [code.ticket_id],
    );
    return { outcome: 'released', ...facts };
  });
}
