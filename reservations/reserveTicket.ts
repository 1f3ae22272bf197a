/**
 * Reserving a ticket: a small saga over the database and MoniMe. The ticket is written
 * `reserved` first, then MoniMe is asked for a one-time payment code for its price (contract
 * §3, §5); when MoniMe will not issue one, the reservation is withdrawn rather than left
 * half-made. Knows nothing of HTTP: the route validates the request and maps the errors.
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
  newTicketId?: () => string;
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

export async function reserveTicket(deps: ReservationDeps, request: ReservationRequest): Promise<Reservation> {
  const { db, monime } = deps;
  const route = await db.findRoute(request.routeId);
  if (!route) throw new RouteNotFound(request.routeId);
  const ticketId = deps.newTicketId?.() ?? `tkt-${randomUUID()}`;
  await db.insertReservedTicket({ id: ticketId, route, passengerName: request.passengerName, passengerPhone: request.passengerPhone });
  let code;
  try {
    code = await monime.createPaymentCode(
      {
        name: `${route.origin} to ${route.destination}`.slice(0, 100),
        mode: 'one_time',
        enable: true,
        amount: { currency: route.currency, value: route.priceMinor },
        duration: '30m',
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
