import Router from '@koa/router';
import type { Client } from '@temporalio/client';
import { WorkflowIdConflictPolicy, WorkflowIdReusePolicy } from '@temporalio/common';
import { z } from 'zod';
import type { Config } from '../../config';
import { workflowIdForReservation, workflowTypes, type ReleaseReservationWorkflow, type ReservationDeadlineInput } from '../../contract';
import { findTicket } from '../../db/queries/apiReads';
import type { Db } from '../../db/pool';
import type { MonimeClient } from '../../monime/client';
import {
  ReservationFailed,
  RouteNotFound,
  reservationDb,
  reserveTicket,
  type Reservation,
  type ReservationDeps,
} from '../../reservations/reserveTicket';
import { HttpError } from '../errors';
import { auditSettings } from '../webhooks/context';
import { WorkflowExecutionAlreadyStartedError, recordInTemporal } from '../webhooks/temporalCalls';
import { notFound, parseBody } from './validate';

const ticketBody = z.object({
  routeId: z.string().min(1).max(200),
  passengerName: z.string().trim().min(1).max(200),
  passengerPhone: z.string().regex(/^\+?[0-9]{6,15}$/, 'a phone number such as +23276123456'),
});

/**
 * A reservation's deadline: the releaseReservation workflow `reservation-<ticketId>`, in a
 * Temporal start delay until `deadline` (the payment_code.expired webhook's signal-with-start
 * dispatches it earlier). Once this returns, Temporal has it; when it cannot, 503 and no
 * reservation is made.
 */
async function scheduleReservationDeadline(temporal: Client, config: Config, ticketId: string, deadline: Date): Promise<void> {
  const input: ReservationDeadlineInput = { ticketId, deadline: deadline.toISOString(), settings: auditSettings(config) };
  try {
    await recordInTemporal(
      temporal,
      () =>
        temporal.workflow.start<ReleaseReservationWorkflow>(workflowTypes.releaseReservation, {
          workflowId: workflowIdForReservation(ticketId),
          taskQueue: config.temporal.taskQueue,
          args: [input],
          startDelay: Math.max(0, deadline.getTime() - Date.now()),
          workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
          workflowIdConflictPolicy: WorkflowIdConflictPolicy.FAIL,
        }),
      () => undefined,
    );
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) return; // a fresh ticket id: only a retried call finds it
    if (error instanceof HttpError && error.status === 503)
      throw new HttpError(503, 'Temporal unavailable; no reservation was made, try again');
    throw error;
  }
}

export interface TicketRouteDeps {
  db: Db;
  monime: MonimeClient;
  temporal: Client;
  /** `monime.platformFinancialAccountId` (payments land where transfers are drawn from), `reservations`, `temporal.taskQueue`, `audit`. */
  config: Config;
}

export function ticketRoutes({ db, monime, temporal, config }: TicketRouteDeps): Router {
  const router = new Router();

  const reservations: ReservationDeps = {
    db: reservationDb(db),
    monime,
    platformFinancialAccountId: config.monime.platformFinancialAccountId,
    timing: config.reservations,
    scheduleDeadline: (ticketId, deadline) => scheduleReservationDeadline(temporal, config, ticketId, deadline),
  };

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
