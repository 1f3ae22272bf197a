/**
 * When a seat goes back: a cancelled or rejected transaction gives back its ticket, an
 * expired payment code gives back its reservation. Pure; the database layer locks the rows
 * and applies the outcome.
 */
import type { PaymentCodeStatus, ReleaseReservationResult, TicketStatus } from '../contract';

export interface TicketHolding {
  status: TicketStatus;
  /** The transaction that issued the ticket, if one did. */
  transactionId: string | null;
}

/**
 * Only a ticket this transaction issued, or one still reserved (waiting for payment), is
 * the transaction's to release; a ticket another payment issued, or one already expired or
 * cancelled, stays as it is.
 */
export function isTicketOursToRelease(ticket: TicketHolding, transactionId: string): boolean {
  if (ticket.status === 'issued' && ticket.transactionId !== transactionId) return false;
  return ticket.status === 'issued' || ticket.status === 'reserved';
}

export interface ReservationState {
  codeStatus: PaymentCodeStatus;
  ticketStatus: TicketStatus;
}

/**
 * What an expired payment code does to its reservation (`payment_code.expired`, contract §2):
 * nothing once it was paid, nothing a second time, else `released` (code and reserved
 * ticket become expired). `null`: the code is unknown.
 */
export function reservationReleaseOutcome(reservation: ReservationState | null): ReleaseReservationResult['outcome'] {
  if (reservation === null) return 'unknown_payment_code';
  if (reservation.codeStatus === 'completed' || reservation.ticketStatus === 'issued') return 'already_paid';
  if (reservation.codeStatus !== 'pending') return 'already_released';
  return 'released';
}

/** A reservation as its deadline finds it: the ticket, and the code attached to it if any. */
export interface TicketReservationState {
  ticketStatus: TicketStatus;
  /** Null for a half-made reservation: MoniMe issued a code, attaching it failed. */
  code: { id: string; status: PaymentCodeStatus } | null;
}

/**
 * What a reservation's deadline — or the expiry webhook that brings it forward — does to it:
 * nothing once paid, nothing once released, nothing for a code the webhook named that is not
 * the ticket's (the deadline still holds); else `released`, with or without a code. `null`:
 * the ticket was never written.
 */
export function ticketReleaseOutcome(
  reservation: TicketReservationState | null,
  notifiedCodeId: string | null,
): ReleaseReservationResult['outcome'] {
  if (reservation === null) return 'unknown_ticket';
  const { ticketStatus, code } = reservation;
  if (notifiedCodeId !== null && code !== null && code.id !== notifiedCodeId) return 'unknown_payment_code';
  if (ticketStatus === 'issued' || code?.status === 'completed') return 'already_paid';
  if (ticketStatus !== 'reserved') return 'already_released';
  return 'released';
}
