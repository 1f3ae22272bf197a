import type { AttentionReason, TransactionStatus } from '../domain/transactions';
import * as payments from '../db/queries/payments';
import type { ActivityDeps } from './deps';

/** Payment-side activities: each one database transaction, each safe to retry. */
export function createPaymentActivities({ db }: Pick<ActivityDeps, 'db'>) {
  return {
    applyPayment: (input: payments.ApplyPaymentInput) => payments.applyPayment(db, input),
    acceptPayment: (transactionId: string) => payments.acceptPayment(db, transactionId),
    setTransactionStatus: (input: { transactionId: string; status: TransactionStatus; reason: AttentionReason | null; resolution?: Record<string, unknown> }) =>
      payments.setTransactionStatus(db, input.transactionId, input.status, input.reason, input.resolution),
    releaseTicketOfTransaction: (transactionId: string) => payments.releaseTicketOfTransaction(db, transactionId),
    releaseReservation: (paymentCodeId: string) => payments.releaseReservation(db, paymentCodeId),
  };
}
