import type { PaymentActivities } from '../contract';
import * as payments from '../db/queries/payments';
import type { ActivityDeps } from './deps';

/** Payment-side activities: each one database transaction, each safe to retry. */
export function createPaymentActivities({ db }: Pick<ActivityDeps, 'db'>): PaymentActivities {
  return {
    applyPayment: (input) => payments.applyPayment(db, input),
    acceptPayment: (transactionId) => payments.acceptPayment(db, transactionId),
    setTransactionStatus: (input) => payments.setTransactionStatus(db, input.transactionId, input.status, input.reason, input.resolution),
    releaseTicketOfTransaction: (transactionId) => payments.releaseTicketOfTransaction(db, transactionId),
    // A string: a run recorded before reservations had deadlines, or a code the webhook could not tie to a ticket.
    releaseReservation: (target) =>
      typeof target === 'string'
        ? payments.releaseReservation(db, target)
        : payments.releaseReservedTicket(db, target.ticketId, target.paymentCodeId),
  };
}
