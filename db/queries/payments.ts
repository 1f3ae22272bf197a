import type { PoolClient } from 'pg';
import type {
  AcceptOutcome,
  ApplyPaymentInput,
  ApplyPaymentResult,
  AttentionReason,
  PaymentCodeStatus,
  ReleasedTicket,
  ReleaseReservationResult,
  StatusChange,
  TicketStatus,
  TransactionFacts,
  TransactionStatus,
  TransferStatus,
} from '../../contract';
import { splitPayment } from '../../domain/money';
import {
  isAlreadyApplied,
  isPaymentDecided,
  whyAcceptIsRefused,
  whyCodeRefusesAccept,
  whyPaymentCannotApply,
  type PaymentCodeAndTicket,
} from '../../domain/payments';
import { isTicketOursToRelease, reservationReleaseOutcome, ticketReleaseOutcome } from '../../domain/reservations';
import { isPaymentSettled, statusesThatMayMoveTo } from '../../domain/transactionStatus';
import type { Db } from '../pool';
import { preparedStatement } from '../preparedStatement';

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

const TRANSACTION_FACTS = preparedStatement<[string]>(
  'payments.transactionFacts',
  `
  SELECT t.id, t.status, t.attention_reason, t.ticket_id, t.company_id, t.commission_minor, t.net_minor,
         c.financial_account_id, pc.amount_minor AS expected_minor, pc.currency AS expected_currency
    FROM transactions t
    LEFT JOIN companies c ON c.id = t.company_id
    LEFT JOIN payment_codes pc ON pc.id = t.payment_code_id
   WHERE t.id = $1`,
);

/** A row of TRANSACTION_FACTS; bigint columns arrive as numbers (db/pool.ts), the LEFT JOINed ones may be null. */
interface FactsRow {
  id: string;
  status: TransactionStatus;
  attention_reason: AttentionReason | null;
  ticket_id: string | null;
  company_id: string | null;
  commission_minor: number | null;
  net_minor: number | null;
  financial_account_id: string | null;
  expected_minor: number | string | null;
  expected_currency: string | null;
}

function toFacts(row: FactsRow): TransactionFacts {
  return {
    transactionId: row.id,
    status: row.status,
    reason: row.attention_reason ?? null,
    ticketId: row.ticket_id ?? null,
    companyId: row.company_id ?? null,
    commission: row.commission_minor ?? null,
    net: row.net_minor ?? null,
    destinationAccountId: row.financial_account_id ?? null,
    expectedAmount:
      row.expected_minor === null || row.expected_minor === undefined
        ? null
        : { currency: row.expected_currency as string, value: Number(row.expected_minor) },
  };
}

export async function getTransactionFacts(db: Db | PoolClient, transactionId: string): Promise<TransactionFacts | null> {
  const { rows } = await db.query<FactsRow>(TRANSACTION_FACTS([transactionId]));
  return rows[0] ? toFacts(rows[0]) : null;
}

/** What applyPayment reads of a transaction before deciding. */
interface TransactionStateRow {
  status: TransactionStatus;
  attention_reason: AttentionReason | null;
  ticket_id: string | null;
}

/**
 * Applies a payment to its reservation in one database transaction: ticket issued, code
 * completed, transaction row written. Safe to run again: a retry after a lost commit
 * finds the transaction row and returns what was decided the first time.
 */
export async function applyPayment(db: Db, input: ApplyPaymentInput): Promise<ApplyPaymentResult> {
  return inTransaction(db, async (client) => {
    const current = await insertOrLockTransaction(client, input);
    if (isPaymentDecided({ status: current.status, attentionReason: current.attention_reason, ticketId: current.ticket_id })) {
      return decidedEarlier(client, input.transactionId);
    }

    const code = await lockPaymentCodeAndTicket(client, input.paymentCodeId);
    const reason = whyPaymentCannotApply(code, input);
    if (reason === null) {
      const facts = code
        ? await issueTicket(client, input.transactionId, input.paymentCodeId, code, input.amount.value)
        : (await getTransactionFacts(client, input.transactionId))!;
      return { ...facts, outcome: 'applied' };
    }
    await client.query(
      `UPDATE transactions
          SET status = 'needs_attention', attention_reason = $2, ticket_id = $3, company_id = $4, updated_at = now()
        WHERE id = $1`,
      [input.transactionId, reason, code?.ticketId ?? null, code?.companyId ?? null],
    );
    const facts = (await getTransactionFacts(client, input.transactionId))!;
    return { ...facts, outcome: 'needs_attention' };
  });
}

/**
 * The transaction row, written if new, locked either way, in one round trip: a conflict
 * "updates" the row to itself so that RETURNING yields the row as it stands, and the update
 * takes the same row lock SELECT … FOR UPDATE would.
 */
async function insertOrLockTransaction(client: PoolClient, input: ApplyPaymentInput): Promise<TransactionStateRow> {
  const { rows } = await client.query<TransactionStateRow>(
    INSERT_OR_LOCK_TRANSACTION([
      input.transactionId,
      input.workflowId,
      input.eventId,
      input.paymentCodeId,
      input.amount.value,
      input.amount.currency,
    ]),
  );
  return rows[0];
}

const INSERT_OR_LOCK_TRANSACTION = preparedStatement<[string, string, string, string, number, string]>(
  'payments.insertOrLockTransaction',
  `INSERT INTO transactions (id, workflow_id, event_id, payment_code_id, amount_minor, currency, status)
   VALUES ($1, $2, $3, $4, $5, $6, 'processing')
   ON CONFLICT (id) DO UPDATE SET id = transactions.id
   RETURNING status, attention_reason, ticket_id`,
);

/**
 * A run that finds its payment already weighed: what was decided, and whether the matter is
 * settled (then it must end without touching MoniMe or the status), else where the transfer
 * stands so the run resumes at that round.
 */
async function decidedEarlier(client: PoolClient, transactionId: string): Promise<ApplyPaymentResult> {
  const facts = (await getTransactionFacts(client, transactionId))!;
  const { rows } = await client.query<{ round: number; status: TransferStatus }>(
    `SELECT round, status FROM commission_transfers WHERE transaction_id = $1`,
    [transactionId],
  );
  const transfer = rows[0] ?? null;
  if (isPaymentSettled({ status: facts.status, transferStatuses: transfer ? [transfer.status] : [] })) {
    return { ...facts, outcome: 'settled', transferRound: transfer?.round ?? null };
  }
  return { ...facts, outcome: facts.reason === null ? 'applied' : 'needs_attention', transferRound: transfer?.round ?? null };
}

/** A payment code with its ticket and the company's commission, as locked for the rest of a transaction. */
export interface LockedPaymentCode extends PaymentCodeAndTicket {
  ticketId: string;
  companyId: string;
  commissionBps: number;
}

interface LockedPaymentCodeRow {
  code_status: PaymentCodeStatus;
  code_transaction_id: string | null;
  amount_minor: number | string;
  currency: string;
  ticket_id: string;
  ticket_status: TicketStatus;
  company_id: string;
  ticket_currency: string;
  commission_bps: number;
}

const LOCK_PAYMENT_CODE_AND_TICKET = preparedStatement<[string]>(
  'payments.lockPaymentCodeAndTicket',
  `SELECT pc.status AS code_status, pc.transaction_id AS code_transaction_id, pc.amount_minor, pc.currency,
          tk.id AS ticket_id, tk.status AS ticket_status, tk.company_id, tk.currency AS ticket_currency, c.commission_bps
     FROM payment_codes pc
     JOIN tickets tk ON tk.id = pc.ticket_id
     JOIN companies c ON c.id = tk.company_id
    WHERE pc.id = $1
      FOR UPDATE OF pc, tk`,
);

/** The code, its ticket and the company's commission, locked for the rest of the transaction. */
async function lockPaymentCodeAndTicket(client: PoolClient, paymentCodeId: string): Promise<LockedPaymentCode | null> {
  const { rows } = await client.query<LockedPaymentCodeRow>(LOCK_PAYMENT_CODE_AND_TICKET([paymentCodeId]));
  const row = rows[0];
  if (!row) return null;
  return {
    codeStatus: row.code_status,
    codeTransactionId: row.code_transaction_id,
    price: { currency: row.currency, value: Number(row.amount_minor) },
    ticketId: row.ticket_id,
    ticketStatus: row.ticket_status,
    ticketCurrency: row.ticket_currency,
    companyId: row.company_id,
    commissionBps: row.commission_bps,
  };
}

const ISSUE_TICKET = preparedStatement<[string, string, string, string, number, number]>(
  'payments.issueTicket',
  `WITH issued AS (
       UPDATE tickets SET status = 'issued', transaction_id = $1, issued_at = now(), updated_at = now() WHERE id = $2
     ), completed AS (
       UPDATE payment_codes SET status = 'completed', transaction_id = $1, updated_at = now() WHERE id = $3
     )
     UPDATE transactions t
        SET status = 'processing', attention_reason = NULL, ticket_id = $2, company_id = $4,
            commission_minor = $5, net_minor = $6, updated_at = now()
      WHERE t.id = $1
     RETURNING t.id, t.status, t.attention_reason, t.ticket_id, t.company_id, t.commission_minor, t.net_minor,
               (SELECT c.financial_account_id FROM companies c WHERE c.id = $4) AS financial_account_id,
               (SELECT pc.amount_minor FROM payment_codes pc WHERE pc.id = t.payment_code_id) AS expected_minor,
               (SELECT pc.currency FROM payment_codes pc WHERE pc.id = t.payment_code_id) AS expected_currency`,
);

/**
 * Ticket issued, code completed and the transaction's split written, in one statement that
 * returns the transaction's facts as TRANSACTION_FACTS would read them after it: its subqueries read
 * the rows as they were when the statement began, and the columns they read do not change in it.
 */
async function issueTicket(
  client: PoolClient,
  transactionId: string,
  paymentCodeId: string,
  code: LockedPaymentCode,
  paidMinor: number,
): Promise<TransactionFacts> {
  const { commission, net } = splitPayment(paidMinor, code.commissionBps);
  const { rows } = await client.query<FactsRow>(
    ISSUE_TICKET([transactionId, code.ticketId, paymentCodeId, code.companyId, commission, net]),
  );
  // The caller wrote or locked the row earlier in this database transaction.
  if (!rows[0]) throw new Error(`BUG: transaction ${transactionId} vanished while its ticket was issued`);
  return toFacts(rows[0]);
}

/** What acceptPayment reads of the transaction; payment_code_id is always written by applyPayment. */
interface AcceptedTransactionRow extends TransactionStateRow {
  payment_code_id: string;
  amount_minor: number | string;
  currency: string;
}

/**
 * An operator accepts a payment that could not be applied as it came: the ticket is
 * issued for the amount actually paid. Refused where there is no reservation to honour
 * or the code already paid for another ticket.
 */
export async function acceptPayment(db: Db, transactionId: string): Promise<AcceptOutcome> {
  return inTransaction(db, async (client) => {
    const { rows } = await client.query<AcceptedTransactionRow>(
      `SELECT t.status, t.attention_reason, t.ticket_id, t.payment_code_id, t.amount_minor, t.currency
         FROM transactions t WHERE t.id = $1 FOR UPDATE`,
      [transactionId],
    );
    const txn = rows[0];
    if (!txn) return { accepted: false, refusal: 'unknown transaction' };
    if (isAlreadyApplied({ attentionReason: txn.attention_reason, ticketId: txn.ticket_id })) {
      return { accepted: true, facts: (await getTransactionFacts(client, transactionId))! };
    }
    const refusal = whyAcceptIsRefused(txn.attention_reason);
    if (refusal) return { accepted: false, refusal };

    const code = await lockPaymentCodeAndTicket(client, txn.payment_code_id);
    const codeRefusal = whyCodeRefusesAccept(code, { transactionId, amount: { currency: txn.currency, value: Number(txn.amount_minor) } });
    if (codeRefusal !== null) return { accepted: false, refusal: codeRefusal };
    if (!code) throw new Error(`BUG: whyCodeRefusesAccept found no refusal for transaction ${transactionId} without a payment code`);
    await issueTicket(client, transactionId, txn.payment_code_id, code, Number(txn.amount_minor));
    await client.query(`UPDATE transactions SET resolution = jsonb_build_object('accepted', true) WHERE id = $1`, [transactionId]);
    return { accepted: true, facts: (await getTransactionFacts(client, transactionId))! };
  });
}

const SET_TRANSACTION_STATUS = preparedStatement<[string, TransactionStatus, AttentionReason | null, string | null, string[]]>(
  'payments.setTransactionStatus',
  `WITH moved AS (
       UPDATE transactions
          SET status = $2, attention_reason = $3, updated_at = now(),
              resolution = COALESCE($4::jsonb, resolution),
              completed_at = CASE WHEN $2 = 'completed' THEN COALESCE(completed_at, now()) ELSE completed_at END
        WHERE id = $1 AND status = ANY($5::text[])
        RETURNING status)
     SELECT status, true AS applied FROM moved
     UNION ALL
     -- Already there (completed → completed: the same write run again after a crash) is not
     -- a refusal; the row is left as the first write made it.
     SELECT status, status = $2 AS applied FROM transactions WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM moved)`,
);

/**
 * Moves a transaction to `status` only where domain/transactionStatus.ts allows the move
 * from the status it has: a late or repeated write can never move it backwards.
 */
export async function setTransactionStatus(
  db: Db,
  transactionId: string,
  status: TransactionStatus,
  reason: AttentionReason | null,
  resolution?: Record<string, unknown>,
): Promise<StatusChange> {
  const { rows } = await db.query<{ status: TransactionStatus; applied: boolean }>(
    SET_TRANSACTION_STATUS([transactionId, status, reason, resolution ? JSON.stringify(resolution) : null, statusesThatMayMoveTo(status)]),
  );
  return { applied: rows[0]?.applied ?? false, current: rows[0]?.status ?? null };
}

/**
 * Gives a cancelled transaction's seat back: the ticket it issued (or held) is cancelled.
 * Returns the ticket's status before, for the audit trail.
 */
export async function releaseTicketOfTransaction(db: Db, transactionId: string): Promise<ReleasedTicket> {
  return inTransaction(db, async (client) => {
    const { rows } = await client.query<{ id: string; status: TicketStatus; transaction_id: string | null }>(
      `SELECT tk.id, tk.status, tk.transaction_id
         FROM transactions t JOIN tickets tk ON tk.id = t.ticket_id
        WHERE t.id = $1 FOR UPDATE OF tk`,
      [transactionId],
    );
    const ticket = rows[0];
    if (!ticket) return { ticketId: null, before: null };
    if (isTicketOursToRelease({ status: ticket.status, transactionId: ticket.transaction_id }, transactionId)) {
      await client.query(`UPDATE tickets SET status = 'cancelled', released_at = now(), updated_at = now() WHERE id = $1`, [ticket.id]);
    }
    return { ticketId: ticket.id, before: ticket.status };
  });
}

/** payment_code.expired: the seat goes back on sale unless the customer paid in time. */
export async function releaseReservation(db: Db, paymentCodeId: string): Promise<ReleaseReservationResult> {
  return inTransaction(db, async (client) => {
    const { rows } = await client.query<{
      code_status: PaymentCodeStatus;
      ticket_id: string;
      ticket_status: TicketStatus;
      company_id: string;
    }>(
      `SELECT pc.status AS code_status, tk.id AS ticket_id, tk.status AS ticket_status, tk.company_id
         FROM payment_codes pc JOIN tickets tk ON tk.id = pc.ticket_id
        WHERE pc.id = $1 FOR UPDATE OF pc, tk`,
      [paymentCodeId],
    );
    const code = rows[0];
    const outcome = reservationReleaseOutcome(code ? { codeStatus: code.code_status, ticketStatus: code.ticket_status } : null);
    if (!code) return { outcome, ticketId: null, companyId: null };
    const facts = { ticketId: code.ticket_id, companyId: code.company_id };
    if (outcome !== 'released') return { outcome, ...facts };
    await client.query(`UPDATE payment_codes SET status = 'expired', updated_at = now() WHERE id = $1`, [paymentCodeId]);
    await client.query(
      `UPDATE tickets SET status = 'expired', released_at = now(), updated_at = now() WHERE id = $1 AND status = 'reserved'`,
      [code.ticket_id],
    );
    return { outcome: 'released', ...facts };
  });
}

/**
 * A reservation's deadline passed, or the expiry webhook brought it forward: the ticket (and
 * its code, when one was ever attached) becomes expired unless paid. Found by the ticket, so a
 * half-made reservation — MoniMe issued a code, attaching it failed — is released just the same.
 * `notifiedCodeId`: the code the webhook named; one that is not the ticket's releases nothing.
 */
export async function releaseReservedTicket(db: Db, ticketId: string, notifiedCodeId: string | null): Promise<ReleaseReservationResult> {
  return inTransaction(db, async (client) => {
    // Code and ticket locked together, as applyPayment locks them; a ticket without a code alone.
    const withCode = await client.query<{
      code_id: string;
      code_status: PaymentCodeStatus;
      ticket_status: TicketStatus;
      company_id: string;
    }>(
      `SELECT pc.id AS code_id, pc.status AS code_status, tk.status AS ticket_status, tk.company_id
         FROM payment_codes pc JOIN tickets tk ON tk.id = pc.ticket_id
        WHERE pc.ticket_id = $1 FOR UPDATE OF pc, tk`,
      [ticketId],
    );
    const row =
      withCode.rows[0] ??
      (
        await client.query<{ code_id: null; code_status: null; ticket_status: TicketStatus; company_id: string }>(
          `SELECT NULL AS code_id, NULL AS code_status, status AS ticket_status, company_id FROM tickets WHERE id = $1 FOR UPDATE`,
          [ticketId],
        )
      ).rows[0];
    if (!row) return { outcome: ticketReleaseOutcome(null, notifiedCodeId), ticketId, companyId: null, paymentCodeId: null };
    const code = row.code_id === null ? null : { id: row.code_id, status: row.code_status as PaymentCodeStatus };
    const outcome = ticketReleaseOutcome({ ticketStatus: row.ticket_status, code }, notifiedCodeId);
    const result = { outcome, ticketId, companyId: row.company_id, paymentCodeId: code?.id ?? null };
    if (outcome !== 'released') return result;
    await client.query(
      `UPDATE tickets SET status = 'expired', released_at = now(), updated_at = now() WHERE id = $1 AND status = 'reserved'`,
      [ticketId],
    );
    await client.query(`UPDATE payment_codes SET status = 'expired', updated_at = now() WHERE ticket_id = $1 AND status = 'pending'`, [
      ticketId,
    ]);
    return result;
  });
}
