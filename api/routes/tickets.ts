import { randomUUID } from 'node:crypto';
import Router from '@koa/router';
import { z } from 'zod';
import { findTicket } from '../../db/queries/apiReads';
import { attachPaymentCode, cancelUnpaidTicket, findRoute, insertReservedTicket } from '../../db/queries/catalog';
import type { Db } from '../../db/pool';
import type { MonimeClient } from '../../monime/client';
import { MonimeError } from '../../monime/errors';
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

  /** Reserves a seat and asks MoniMe for a one-time payment code for its price. */
  router.post('/api/tickets', async (ctx) => {
    const body = parseBody(ticketBody, ctx.request.body);
    const route = await findRoute(db, body.routeId);
    if (!route) throw notFound('route', body.routeId);
    const ticketId = `tkt-${randomUUID()}`;
    await insertReservedTicket(db, { id: ticketId, route, passengerName: body.passengerName, passengerPhone: body.passengerPhone });
    let code;
    try {
      code = await monime.createPaymentCode(
        {
          name: `${route.origin} to ${route.destination}`.slice(0, 100),
          mode: 'one_time',
          enable: true,
          amount: { currency: route.currency, value: route.priceMinor },
          duration: '30m',
          customer: { name: body.passengerName },
          authorizedPhoneNumber: body.passengerPhone,
          reference: ticketId,
          financialAccountId: platformFinancialAccountId,
          metadata: { ticketId },
        },
        `payment-code-${ticketId}`,
      );
    } catch (error) {
      await cancelUnpaidTicket(db, ticketId);
      const detail = error instanceof MonimeError ? error.message : 'MoniMe unreachable';
      throw new HttpError(502, `could not create a payment code, the reservation was withdrawn: ${detail}`);
    }
    await attachPaymentCode(db, { id: code.id, ticketId, ussdCode: code.ussdCode, amountMinor: route.priceMinor, currency: route.currency, expireTime: code.expireTime });
    ctx.status = 201;
    ctx.body = {
      ticket: {
        id: ticketId,
        status: 'reserved',
        routeId: route.id,
        companyId: route.companyId,
        passengerName: body.passengerName,
        passengerPhone: body.passengerPhone,
        price: { currency: route.currency, value: route.priceMinor },
      },
      paymentCode: { id: code.id, ussdCode: code.ussdCode, expireTime: code.expireTime },
    };
  });

  router.get('/api/tickets/:id', async (ctx) => {
    const ticket = await findTicket(db, ctx.params.id);
    if (!ticket) throw notFound('ticket', ctx.params.id);
    ctx.body = ticket;
  });
  return router;
}
