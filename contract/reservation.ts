import type { AuditSettings } from './transaction';

/**
 * The release of one reservation. Two shapes, told apart by `ticketId`:
 * - the deadline (workflow `reservation-<ticketId>`): started with the reservation, delayed to
 *   its deadline (code duration + RESERVATION_GRACE_SECONDS), brought forward by the
 *   payment_code.expired webhook (signal-with-start of `paymentCodeExpired`);
 * - an expired code whose ticket the webhook does not name (workflow
 *   `payment-code-expired-<paymentCodeId>`), and every history recorded before the deadline existed.
 */
export type ReleaseReservationInput = ReservationDeadlineInput | ExpiredCodeInput;

export interface ReservationDeadlineInput {
  ticketId: string;
  /** ISO time at which the seat goes back at the latest, unless paid. */
  deadline: string;
  settings: AuditSettings;
}

export interface ExpiredCodeInput {
  paymentCodeId: string;
  eventId: string;
  occurredAt: string;
  settings: AuditSettings;
}

/** What the payment_code.expired webhook tells a reservation's deadline (signal `paymentCodeExpired`). */
export interface PaymentCodeExpiredNotice {
  paymentCodeId: string;
  eventId: string;
  occurredAt: string;
}

/**
 * The release activity's input: by code id (a string, as before the deadline existed), or by
 * ticket. `paymentCodeId` is the code the webhook named, null when the deadline itself passed;
 * a named code that is not the ticket's releases nothing.
 */
export type ReservationToRelease = string | { ticketId: string; paymentCodeId: string | null };

export interface ReleaseReservationResult {
  /** `unknown_ticket`: a deadline whose ticket was never written (its insert failed). */
  outcome: 'released' | 'already_paid' | 'already_released' | 'unknown_payment_code' | 'unknown_ticket';
  ticketId: string | null;
  companyId: string | null;
  /** The ticket's code, when it has one (releases by ticket only). */
  paymentCodeId?: string | null;
}
