/**
 * Which status changes a transaction may make, and when a payment counts as settled. A
 * write that the table does not allow is refused by the database layer, so a late writer
 * (a stall detector, a retried activity whose first SQL was still running, a second
 * workflow for the same payment) can never move a transaction backwards.
 */
import type { TransactionStatus, TransferStatus } from '../contract';

const ALLOWED: Record<TransactionStatus, readonly TransactionStatus[]> = {
  // processing → processing: a resolution recorded without a change of status.
  processing: ['processing', 'needs_attention', 'completed', 'cancelled'],
  // An operator case ends by retry/accept (processing), reject/cancel, or the pending
  // transfer completing after a stall; a new reason (stalled → transfer_failed) is allowed.
  needs_attention: ['needs_attention', 'processing', 'completed', 'cancelled'],
  completed: [],
  cancelled: [],
};

export function canMoveTransaction(from: TransactionStatus, to: TransactionStatus): boolean {
  return ALLOWED[from].includes(to);
}

/** The statuses a transaction may be in for a move to `to` to be allowed. */
export function statusesThatMayMoveTo(to: TransactionStatus): TransactionStatus[] {
  return (Object.keys(ALLOWED) as TransactionStatus[]).filter((from) => canMoveTransaction(from, to));
}

/** What the database records of a payment that a new workflow run finds. */
export interface PaymentRecord {
  status: TransactionStatus;
  /** Every transfer round's status; any `completed` one means the money moved. */
  transferStatuses: readonly TransferStatus[];
}

/**
 * Settled: completed, cancelled (operator reject included), or money already moved in some
 * round. Such a payment never reaches MoniMe again and never changes status, whoever asks.
 */
export function isPaymentSettled(record: PaymentRecord): boolean {
  return record.status === 'completed' || record.status === 'cancelled' || record.transferStatuses.includes('completed');
}
