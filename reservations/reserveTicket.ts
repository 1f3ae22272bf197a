/**
 * Reserving a ticket: a small saga over Temporal, the database and MoniMe. First the
 * reservation's deadline is scheduled (a durable release at code duration + grace, contract
 * §1, §3), then the ticket is written `reserved`, then MoniMe is asked for a one-time payment
 * code for its price (contract §3, §5) and the code is attached to the ticket. When MoniMe
 * will not issue one, the reservation is withdrawn at once; whatever else fails after the
 * deadline exists — attaching the code, the process itself — the deadline releases the ticket
 * by its id unless it was paid. Knows nothing of HTTP: the route validates the request and
 * maps the errors.
 */
import { randomUUID } from 'node:crypto';
import type { Money, TicketStatus } from '../contract';
import type { Db } from '../db/pool';
import { attachPaymentCode, cancelUnpaidTicket, findRoute, insertReservedTicket, type Route } from '../db/queries/catalog';
import type { MonimeClient } from '../monime/client';
import { MonimeError } from '../monime/errors';

export interface ReservationRequest {
  routeId: string;
  passengerName: string;
  passengerPhone: string;
}

export interface Reservation {
  ticket: {
    id: string;
    status: Extract<TicketStatus, 'reserved'>;
    routeId: string;
    companyId: string;
    passengerName: string;
    passengerPhone: string;
    price: Money;
  };
  paymentCode: { id: string; ussdCode: string; expireTime: string };
}

/** The database writes the saga makes; `reservationDb(pool)` binds them to PostgreSQL. */
export interface ReservationDb {
  findRoute(routeId: string): Promise<Route | null>;
  insertReservedTicket(ticket: { id: string; route: Route; passengerName: string; passengerPhone: string }): Promise<void>;
  attachPaymentCode(code: {
    id: string;
    ticketId: string;
    ussdCode: string;
    amountMinor: number;
    currency: string;
    expireTime: string | null;
  }): Promise<void>;
  cancelUnpaidTicket(ticketId: string): Promise<void>;
}

export function reservationDb(db: Db): ReservationDb {
  return {
    findRoute: (routeId) => findRoute(db, routeId),
    insertReservedTicket: (ticket) => insertReservedTicket(db, ticket),
    attachPaymentCode: (code) => attachPaymentCode(db, code),
    cancelUnpaidTicket: (ticketId) => cancelUnpaidTicket(db, ticketId),
  };
}

export interface ReservationDeps {
  db: ReservationDb;
  monime: Pick<MonimeClient, 'createPaymentCode'>;
  /** Payments must land where the company transfers are drawn from. */
  platformFinancialAccountId: string;
  /** RESERVATION_CODE_SECONDS (the code's duration at MoniMe) and RESERVATION_GRACE_SECONDS. */
  timing: { codeSeconds: number; graceSeconds: number };
  /**
   * Durably schedules the release of the ticket's reservation at `deadline` (the route: a
   * releaseReservation workflow in a Temporal start delay). Called before anything is written;
   * a failure leaves nothing behind.
   */
  scheduleDeadline(ticketId: string, deadline: Date): Promise<void>;
  newTicketId?: () => string;
  now?: () => Date;
}

/** The route asked for does not exist; nothing was written. */
export class RouteNotFound extends Error {
  constructor(readonly routeId: string) {
    super(`route ${routeId} not found`);
    this.name = 'RouteNotFound';
  }
}

/** MoniMe would not issue a payment code; the reserved ticket was cancelled. */
export class ReservationFailed extends Error {
  constructor(
    readonly ticketId: string,
    readonly detail: string,
  ) {
    super(`could not create a payment code, the reservation was withdrawn: ${detail}`);
    this.name = 'ReservationFailed';
  }
}

/** The MoniMe Idempotency-Key of a ticket's payment code: a retried call asks for the same code. */
export const paymentCodeIdempotencyKey = (ticketId: string) => `payment-code-${ticketId}`;

/** A code's `duration` as MoniMe takes it, in the largest whole unit: 1800 → `30m`, 7200 → `2h`, 90 → `90s`. */
export function monimeDuration(seconds: number): string {
  if (seconds % 3_600 === 0) return `${seconds / 3_600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}

export async function reserveTicket(deps: ReservationDeps, request: ReservationRequest): Promise<Reservation> {
  const { db, monime } = deps;
  const route = await db.findRoute(request.routeId);
  if (!route) throw new RouteNotFound(request.routeId);
  const ticketId = deps.newTicketId?.() ?? `tkt-${randomUUID()}`;
  // Taken before MoniMe sets the code's expireTime (its now + the same duration): with clocks
  // that agree, the deadline falls before expireTime + grace by the length of the call.
  const { codeSeconds, graceSeconds } = deps.timing;
  const deadline = new Date((deps.now?.() ?? new Date()).getTime() + (codeSeconds + graceSeconds) * 1_000);
  await deps.scheduleDeadline(ticketId, deadline);
  await db.insertReservedTicket({ id: ticketId, route, passengerName: request.passengerName, passengerPhone: request.passengerPhone });
  let code;
  try {
    code = await monime.createPaymentCode(
      {
        name: `${route.origin} to ${route.destination}`.slice(0, 100),
        mode: 'one_time',
        enable: true,
        amount: { currency: route.currency, value: route.priceMinor },
        duration: monimeDuration(codeSeconds),
        customer: { name: request.passengerName },
        authorizedPhoneNumber: request.passengerPhone,
        reference: ticketId,
        financialAccountId: deps.platformFinancialAccountId,
        metadata: { ticketId },
      },
      paymentCodeIdempotencyKey(ticketId),
    );
  } catch (error) {
    await db.cancelUnpaidTicket(ticketId);
    throw new ReservationFailed(ticketId, error instanceof MonimeError ? error.message : 'MoniMe unreachable');
  }
  // Should this fail, the ticket stays reserved without its code until the deadline releases it.
  await db.attachPaymentCode({
    id: code.id,
    ticketId,
    ussdCode: code.ussdCode,
    amountMinor: route.priceMinor,
    currency: route.currency,
    expireTime: code.expireTime,
  });
  return {
    ticket: {
      id: ticketId,
      status: 'reserved',
      routeId: route.id,
      companyId: route.companyId,
      passengerName: request.passengerName,
      passengerPhone: request.passengerPhone,
      price: { currency: route.currency, value: route.priceMinor },
    },
    paymentCode: { id: code.id, ussdCode: code.ussdCode, expireTime: code.expireTime },
  };
}
