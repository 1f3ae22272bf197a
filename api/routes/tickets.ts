import Router from '@koa/router';
import { z } from 'zod';
import { findTicket } from '../../db/queries/apiReads';
import type { Db } from '../../db/pool';
import type { MonimeClient } from '../../monime/client';
import { ReservationFailed, RouteNotFound, reservationDb, reserveTicket, type Reservation } from '../../reservations/reserveTicket';
import { HttpError } from '../errors';
import { notFound, parseBody } from './validate';

const ticketBody = z.object({
  routeId: z.string().min(1).max(200),
  passengerName: z.string().trim().min(1).max(200),
  passengerPhone: z.string().regex(/^\+?[0-9]{6,15}$/, 'a phone number such as +23276123456'),
});

/** `platformFinancialAccountId`: payments must land where the company transfers are drawn from. */
export function ticketRoutes(db: Db, monime: MonimeClient, platformFinancialAccountId: string): Router {
  const router = new Router();

  const reservations = { db: reservationDb(db), monime, platformFinancialAccountId };

  /** Reserves a seat and asks MoniMe for a one-time payment code for its price. */
  router.post('/api/tickets', async (ctx) => {
    const body = parseBody(ticketBody, ctx.request.body);
    let reservation: Reservation;
    try {
      reservation = await reserveTicket(reservations, body);
    } catch (error) {
      if (error instanceof RouteNotFound) throw notFound('route', error.routeId);
      if (error instanceof ReservationFailed) throw new HttpError(502, error.message);
      throw error;
    }
    const { ticket, paymentCode } = reservation;
    ctx.status = 201;
    ctx.body = {
      ticket: {
        id: ticket.id,
        status: ticket.status,
        routeId: ticket.routeId,
        companyId: ticket.companyId,
        passengerName: ticket.passengerName,
        passengerPhone: ticket.passengerPhone,
        price: { currency: ticket.price.currency, value: ticket.price.value },
      },
      paymentCode: { id: paymentCode.id, ussdCode: paymentCode.ussdCode, expireTime: paymentCode.expireTime },
    };
  });

  router.get('/api/tickets/:id', async (ctx) => {
    const ticket = await findTicket(db, ctx.params.id);
    if (!ticket) throw notFound('ticket', ctx.params.id);
    ctx.body = ticket;
  });
  return router;
}
