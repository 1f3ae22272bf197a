/**
 * When a payment applies to its reservation, and when an operator may accept one that did
 * not. Pure: the database layer reads and locks the rows, these rules decide, and the
 * database layer writes what they decided. Reasons and refusal texts are shown to operators
 * (status query, audit trail, ops CLI), so they are part of what must not drift.
 */
import type { AttentionReason, Money, PaymentCodeStatus, TicketStatus, TransactionStatus } from '../contract';

/** A payment code and the ticket it was issued for, as the rules weigh them. */
export interface PaymentCodeAndTicket {
  codeStatus: PaymentCodeStatus;
  /** The transaction that paid the code, once one did. */
  codeTransactionId: string | null;
  /** What the code asks for: the ticket's price when the code was created. */
  price: Money;
  ticketStatus: TicketStatus;
  /** The ticket's own currency; an accepted payment must be in it. */
  ticketCurrency: string;
}

/** A MoniMe payment: the transaction id is MoniMe's payment id. */
export interface Payment {
  transactionId: string;
  amount: Money;
}

/** What the transactions row already records of a payment. */
export interface RecordedTransaction {
  status: TransactionStatus;
  attentionReason: AttentionReason | null;
  ticketId: string | null;
}

const UNKNOWN_CODE_REFUSAL = 'the payment code is unknown: there is no reservation to honour';

/**
 * True once a payment was weighed: a ticket issued, an operator case opened, or the
 * transaction moved on. Applying it again must then return what was decided the first
 * time, not decide again.
 */
export function isPaymentDecided(transaction: RecordedTransaction): boolean {
  return transaction.ticketId !== null || transaction.attentionReason !== null || transaction.status !== 'processing';
}

/**
 * Why a payment cannot be applied to the code it names (`null`: it applies). First match
 * wins: unknown code, code already used (by another payment, or completed), code or ticket
 * no longer open, currency, then amount.
 */
export function whyPaymentCannotApply(code: PaymentCodeAndTicket | null, payment: Payment): AttentionReason | null {
  if (code === null) return 'unknown_payment_code';
  if (code.codeTransactionId !== null && code.codeTransactionId !== payment.transactionId) return 'payment_code_already_used';
  if (code.codeStatus === 'completed') return 'payment_code_already_used';
  if (code.codeStatus !== 'pending' || code.ticketStatus !== 'reserved') return 'payment_code_expired';
  if (code.price.currency !== payment.amount.currency) return 'currency_mismatch';
  if (code.price.value !== payment.amount.value) return 'amount_mismatch';
  return null;
}

/** A payment that already has its ticket and no open case: accepting it again changes nothing. */
export function isAlreadyApplied(transaction: Pick<RecordedTransaction, 'attentionReason' | 'ticketId'>): boolean {
  return transaction.attentionReason === null && transaction.ticketId !== null;
}

/**
 * Why an operator's accept is refused for a payment parked with this reason, before the
 * code is even looked at (`null`: go on and weigh the code, see whyCodeRefusesAccept).
 */
export function whyAcceptIsRefused(reason: AttentionReason | null): string | null {
  switch (reason) {
    case 'unknown_payment_code':
      return UNKNOWN_CODE_REFUSAL;
    case 'payment_code_already_used':
      return 'the payment code already paid for another ticket';
    case 'currency_mismatch':
      return 'paid in another currency than the ticket: reject and refund instead';
    default:
      return null;
  }
}

/**
 * Why the code and ticket, as they are now, cannot honour an accepted payment (`null`: issue
 * the ticket for the amount paid). First match wins: no code, code paid by another
 * transaction, currency other than the ticket's, ticket cancelled.
 */
export function whyCodeRefusesAccept(code: PaymentCodeAndTicket | null, payment: Payment): string | null {
  if (code === null) return UNKNOWN_CODE_REFUSAL;
  if (code.codeTransactionId !== null && code.codeTransactionId !== payment.transactionId) {
    return 'the payment code already paid for another transaction';
  }
  if (code.ticketCurrency !== payment.amount.currency)
    return `paid in ${payment.amount.currency}, the ticket is priced in ${code.ticketCurrency}`;
  if (code.ticketStatus === 'cancelled') return 'the ticket was cancelled';
  return null;
}
