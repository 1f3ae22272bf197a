import { condition, patched, proxyActivities, setHandler } from '@temporalio/workflow';
import {
  paymentCodeExpiredSignal,
  type ExpiredCodeInput,
  type PaymentActivities,
  type PaymentCodeExpiredNotice,
  type ReleaseReservationInput,
  type ReleaseReservationResult,
  type ReservationDeadlineInput,
} from '../contract';
import { AuditTrail } from './auditTrail';
import { DATABASE_RETRY } from './retryPolicies';

const { releaseReservation: releaseInDatabase } = proxyActivities<Pick<PaymentActivities, 'releaseReservation'>>({
  startToCloseTimeout: '30 seconds',
  retry: DATABASE_RETRY,
});

/**
 * Runs that are a reservation's deadline (input with `ticketId`). Histories recorded before
 * reservations had deadlines carry no marker and replay the release by code below.
 */
export const RESERVATION_DEADLINE_PATCH = 'reservation-deadline';

/** The seat goes back on sale unless the customer already paid (contract §2, §3). */
export async function releaseReservation(input: ReleaseReservationInput): Promise<ReleaseReservationResult> {
  if ('ticketId' in input && patched(RESERVATION_DEADLINE_PATCH)) return releaseAtDeadline(input);
  return releaseExpiredCode(input as ExpiredCodeInput);
}

/**
 * A reservation's deadline: started with the reservation in a Temporal start delay that ends
 * at the deadline, so nothing runs until then — unless the payment_code.expired webhook
 * signals-with-start it, which dispatches it at once. Either way the ticket is released by its
 * id, so a reservation whose code was never attached goes back too.
 */
async function releaseAtDeadline(input: ReservationDeadlineInput): Promise<ReleaseReservationResult> {
  const inbox: { notice: PaymentCodeExpiredNotice | null } = { notice: null };
  // Redeliveries of the webhook name the same code: the first notice is the one acted on.
  setHandler(paymentCodeExpiredSignal, (notice) => {
    inbox.notice ??= notice;
  });
  const audit = new AuditTrail('ticket', input.ticketId, input.settings);
  for (;;) {
    // After the start delay the deadline has passed; this waits only when started without one
    // (or when a notice was for another code), and never past the deadline.
    const untilDeadline = Date.parse(input.deadline) - Date.now();
    if (inbox.notice === null && untilDeadline > 0) {
      audit.flush();
      await condition(() => inbox.notice !== null, untilDeadline);
    }
    const notice = inbox.notice;
    const result = await releaseInDatabase({ ticketId: input.ticketId, paymentCodeId: notice?.paymentCodeId ?? null });
    audit.record(`expiry_${result.outcome}`, {
      actor: notice ? 'monime' : 'fareflow',
      companyId: result.companyId,
      before: result.outcome === 'released' ? { ticket: 'reserved', code: result.paymentCodeId ? 'pending' : null } : null,
      after: {
        ...result,
        deadline: input.deadline,
        ...(notice ? { notifiedPaymentCodeId: notice.paymentCodeId, eventId: notice.eventId, occurredAt: notice.occurredAt } : {}),
      },
    });
    // A code that is not this ticket's releases nothing; the deadline still holds.
    if (result.outcome === 'unknown_payment_code') {
      inbox.notice = null;
      continue;
    }
    await audit.delivered();
    return result;
  }
}

/** payment_code.expired for a code whose ticket the webhook did not name; every run before deadlines existed. */
async function releaseExpiredCode(input: ExpiredCodeInput): Promise<ReleaseReservationResult> {
  const result = await releaseInDatabase(input.paymentCodeId);
  const audit = new AuditTrail('payment_code', input.paymentCodeId, input.settings);
  audit.record(`expiry_${result.outcome}`, {
    actor: 'monime',
    companyId: result.companyId,
    before: result.outcome === 'released' ? { code: 'pending', ticket: 'reserved' } : null,
    after: { ...result, eventId: input.eventId, occurredAt: input.occurredAt },
  });
  await audit.delivered();
  return result;
}
