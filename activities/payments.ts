import type { AuditActivities, PaymentActivities } from '../contract';
import * as payments from '../db/queries/payments';
import type { ActivityDeps } from './deps';

/**
 * Payment-side activities: each one database transaction, each safe to retry. A status write
 * that carries audit events hands them over after the write (`handOver`: activities/index.ts
 * chooses how); on a retry both are done again, and both are idempotent (the status move is
 * guarded, events are unique by id).
 */
export function createPaymentActivities(
  { db }: Pick<ActivityDeps, 'db'>,
  handOver: AuditActivities['publishAuditEvents'],
): PaymentActivities {
  return {
    applyPayment: (input) => payments.applyPayment(db, input),
    acceptPayment: (transactionId) => payments.acceptPayment(db, transactionId),
    setTransactionStatus: async (input) => {
      const change = await payments.setTransactionStatus(db, input.transactionId, input.status, input.reason, input.resolution);
      if (input.audit && input.audit.events.length > 0) await handOver(input.audit);
      return change;
    },
    releaseTicketOfTransaction: (transactionId) => payments.releaseTicketOfTransaction(db, transactionId),
    // A string: a run recorded before reservations had deadlines, or a code the webhook could not tie to a ticket.
    releaseReservation: (target) =>
      typeof target === 'string'
        ? payments.releaseReservation(db, target)
        : payments.releaseReservedTicket(db, target.ticketId, target.paymentCodeId),
  };
}
