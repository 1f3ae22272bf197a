import type { Route } from '../../db/queries/catalog';
import { MonimeError } from '../../monime/errors';
import type { CreatePaymentCodeRequest, PaymentCode } from '../../monime/types';
import {
  ReservationFailed,
  RouteNotFound,
  reserveTicket,
  type ReservationDb,
  type ReservationDeps,
  type ReservationRequest,
} from '../../reservations/reserveTicket';

const route: Route = {
  id: 'rte-1',
  companyId: 'cmp-1',
  origin: 'Freetown',
  destination: 'Bo',
  priceMinor: 15_000,
  currency: 'SLE',
  createdAt: new Date('2026-11-24T10:00:00Z'),
};

const request: ReservationRequest = { routeId: 'rte-1', passengerName: 'Aminata Kamara', passengerPhone: '+23276123456' };

/** An in-memory stand-in for the four database writes, recording them in order. */
function fakeDb(routes: Route[] = [route]) {
  const calls: string[] = [];
  const tickets = new Map<string, { status: 'reserved' | 'cancelled'; paymentCodeId: string | null }>();
  const attached: Parameters<ReservationDb['attachPaymentCode']>[0][] = [];
  const db: ReservationDb = {
    async findRoute(routeId) {
      calls.push(`findRoute ${routeId}`);
      return routes.find((r) => r.id === routeId) ?? null;
    },
    async insertReservedTicket(ticket) {
      calls.push(`insertReservedTicket ${ticket.id}`);
      tickets.set(ticket.id, { status: 'reserved', paymentCodeId: null });
    },
    async attachPaymentCode(code) {
      calls.push(`attachPaymentCode ${code.id}`);
      attached.push(code);
      tickets.get(code.ticketId)!.paymentCodeId = code.id;
    },
    async cancelUnpaidTicket(ticketId) {
      calls.push(`cancelUnpaidTicket ${ticketId}`);
      const ticket = tickets.get(ticketId);
      if (ticket?.status === 'reserved') ticket.status = 'cancelled';
    },
  };
  return { db, calls, tickets, attached };
}

function fakeMonime(answer: (request: CreatePaymentCodeRequest) => PaymentCode | Error) {
  const requests: { request: CreatePaymentCodeRequest; idempotencyKey: string }[] = [];
  const monime: ReservationDeps['monime'] = {
    async createPaymentCode(request, idempotencyKey) {
      requests.push({ request, idempotencyKey });
      const result = answer(request);
      if (result instanceof Error) throw result;
      return result;
    },
  };
  return { monime, requests };
}

const issuedCode = (request: CreatePaymentCodeRequest): PaymentCode =>
  ({
    id: 'pmc-1',
    mode: 'one_time',
    status: 'pending',
    name: request.name,
    amount: request.amount,
    enable: true,
    expireTime: '2026-11-24T10:30:00Z',
    customer: request.customer,
    ussdCode: '*715*1*0001#',
    reference: request.reference,
    financialAccountId: request.financialAccountId,
  }) as PaymentCode;

/** The durable deadline, as the route schedules it on Temporal (a delayed releaseReservation). */
function fakeDeadlines(calls: string[] = []) {
  const scheduled: { ticketId: string; deadline: string }[] = [];
  const scheduleDeadline: ReservationDeps['scheduleDeadline'] = async (ticketId, deadline) => {
    calls.push(`scheduleDeadline ${ticketId} ${deadline.toISOString()}`);
    scheduled.push({ ticketId, deadline: deadline.toISOString() });
  };
  return { scheduleDeadline, scheduled };
}

const NOW = new Date('2026-11-24T10:00:00Z');

const deps = (db: ReservationDb, monime: ReservationDeps['monime'], calls: string[] = []): ReservationDeps => ({
  db,
  monime,
  platformFinancialAccountId: 'fac-platform',
  newTicketId: () => 'tkt-1',
  timing: { codeSeconds: 1_800, graceSeconds: 120 },
  scheduleDeadline: fakeDeadlines(calls).scheduleDeadline,
  now: () => NOW,
});

describe('reserveTicket', () => {
  it('reserves the ticket, asks MoniMe for a code at the route’s price under payment-code-<ticketId>, and attaches it', async () => {
    const { db, calls, tickets, attached } = fakeDb();
    const { monime, requests } = fakeMonime(issuedCode);

    const reservation = await reserveTicket(deps(db, monime, calls), request);

    // The deadline (30 min code + 120 s grace) is scheduled before anything is written.
    expect(calls).toEqual([
      'findRoute rte-1',
      'scheduleDeadline tkt-1 2026-11-24T10:32:00.000Z',
      'insertReservedTicket tkt-1',
      'attachPaymentCode pmc-1',
    ]);
    expect(requests).toEqual([
      {
        idempotencyKey: 'payment-code-tkt-1',
        request: {
          name: 'Freetown to Bo',
          mode: 'one_time',
          enable: true,
          amount: { currency: 'SLE', value: 15_000 },
          duration: '30m',
          customer: { name: 'Aminata Kamara' },
          authorizedPhoneNumber: '+23276123456',
          reference: 'tkt-1',
          financialAccountId: 'fac-platform',
          metadata: { ticketId: 'tkt-1' },
        },
      },
    ]);
    expect(attached).toEqual([
      {
        id: 'pmc-1',
        ticketId: 'tkt-1',
        ussdCode: '*715*1*0001#',
        amountMinor: 15_000,
        currency: 'SLE',
        expireTime: '2026-11-24T10:30:00Z',
      },
    ]);
    expect(tickets.get('tkt-1')).toEqual({ status: 'reserved', paymentCodeId: 'pmc-1' });
    expect(reservation).toEqual({
      ticket: {
        id: 'tkt-1',
        status: 'reserved',
        routeId: 'rte-1',
        companyId: 'cmp-1',
        passengerName: 'Aminata Kamara',
        passengerPhone: '+23276123456',
        price: { currency: 'SLE', value: 15_000 },
      },
      paymentCode: { id: 'pmc-1', ussdCode: '*715*1*0001#', expireTime: '2026-11-24T10:30:00Z' },
    });
  });

  it('names the code after the route, cut to 100 characters', async () => {
    const long: Route = { ...route, id: 'rte-long', origin: 'O'.repeat(80), destination: 'D'.repeat(80) };
    const { db } = fakeDb([long]);
    const { monime, requests } = fakeMonime(issuedCode);
    await reserveTicket(deps(db, monime), { ...request, routeId: 'rte-long' });
    expect(requests[0].request.name).toBe(`${'O'.repeat(80)} to ${'D'.repeat(80)}`.slice(0, 100));
    expect(requests[0].request.name).toHaveLength(100);
  });

  it('a new ticket id per reservation by default (tkt-<uuid>), and the key follows it', async () => {
    const { db } = fakeDb();
    const { monime, requests } = fakeMonime(issuedCode);
    const { newTicketId: _, ...withoutIds } = deps(db, monime);
    const first = await reserveTicket(withoutIds, request);
    const second = await reserveTicket(withoutIds, request);
    expect(first.ticket.id).toMatch(/^tkt-[0-9a-f-]{36}$/);
    expect(second.ticket.id).not.toBe(first.ticket.id);
    expect(requests.map((r) => r.idempotencyKey)).toEqual([`payment-code-${first.ticket.id}`, `payment-code-${second.ticket.id}`]);
  });

  it('MoniMe refusing: the ticket is cancelled, nothing attached, ReservationFailed carries MoniMe’s message', async () => {
    const { db, calls, tickets, attached } = fakeDb();
    const { monime } = fakeMonime(() => new MonimeError('MoniMe answered 422 invalid_amount: no', 'non_retryable', { httpStatus: 422 }));

    const failure = await reserveTicket(deps(db, monime, calls), request).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(ReservationFailed);
    expect((failure as ReservationFailed).ticketId).toBe('tkt-1');
    expect((failure as ReservationFailed).detail).toBe('MoniMe answered 422 invalid_amount: no');
    expect((failure as ReservationFailed).message).toBe(
      'could not create a payment code, the reservation was withdrawn: MoniMe answered 422 invalid_amount: no',
    );
    expect(calls).toEqual([
      'findRoute rte-1',
      'scheduleDeadline tkt-1 2026-11-24T10:32:00.000Z',
      'insertReservedTicket tkt-1',
      'cancelUnpaidTicket tkt-1',
    ]);
    expect(tickets.get('tkt-1')).toEqual({ status: 'cancelled', paymentCodeId: null });
    expect(attached).toEqual([]);
  });

  it('any other failure is reported as "MoniMe unreachable", and the ticket is cancelled just the same', async () => {
    const { db, tickets } = fakeDb();
    const { monime } = fakeMonime(() => new TypeError('fetch failed'));

    const failure = await reserveTicket(deps(db, monime), request).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(ReservationFailed);
    expect((failure as ReservationFailed).message).toBe(
      'could not create a payment code, the reservation was withdrawn: MoniMe unreachable',
    );
    expect(tickets.get('tkt-1')?.status).toBe('cancelled');
  });

  it('an unknown route: RouteNotFound, nothing written and MoniMe not called', async () => {
    const { db, calls } = fakeDb();
    const { monime, requests } = fakeMonime(issuedCode);

    const failure = await reserveTicket(deps(db, monime), { ...request, routeId: 'rte-missing' }).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(RouteNotFound);
    expect((failure as RouteNotFound).routeId).toBe('rte-missing');
    expect(calls).toEqual(['findRoute rte-missing']);
    expect(requests).toEqual([]);
  });

  it('a failing cancel is not hidden behind ReservationFailed', async () => {
    const { db } = fakeDb();
    const broken: ReservationDb = {
      ...db,
      cancelUnpaidTicket: async () => {
        throw new Error('connection terminated');
      },
    };
    const { monime } = fakeMonime(() => new MonimeError('MoniMe answered 500: down', 'retryable'));
    await expect(reserveTicket(deps(broken, monime), request)).rejects.toThrow('connection terminated');
  });

  it('point 7: attaching the code fails — the deadline was scheduled before, so the half-made reservation is released by it', async () => {
    const { db, calls, tickets } = fakeDb();
    const { scheduleDeadline, scheduled } = fakeDeadlines(calls);
    const broken: ReservationDb = {
      ...db,
      attachPaymentCode: async (code) => {
        calls.push(`attachPaymentCode ${code.id}`);
        throw new Error('connection terminated');
      },
    };
    const { monime } = fakeMonime(issuedCode);

    await expect(reserveTicket({ ...deps(broken, monime), scheduleDeadline }, request)).rejects.toThrow('connection terminated');

    expect(scheduled).toEqual([{ ticketId: 'tkt-1', deadline: '2026-11-24T10:32:00.000Z' }]);
    expect(calls).toEqual([
      'findRoute rte-1',
      'scheduleDeadline tkt-1 2026-11-24T10:32:00.000Z',
      'insertReservedTicket tkt-1',
      'attachPaymentCode pmc-1',
    ]);
    // Left for the deadline: releaseReservation finds the ticket by its id, code or no code.
    expect(tickets.get('tkt-1')).toEqual({ status: 'reserved', paymentCodeId: null });
  });

  it('no deadline, no reservation: when it cannot be scheduled nothing is written and MoniMe is not asked', async () => {
    const { db, calls } = fakeDb();
    const { monime, requests } = fakeMonime(issuedCode);
    const unscheduled: ReservationDeps = {
      ...deps(db, monime, calls),
      scheduleDeadline: async () => {
        throw new Error('Temporal unavailable');
      },
    };
    await expect(reserveTicket(unscheduled, request)).rejects.toThrow('Temporal unavailable');
    expect(calls).toEqual(['findRoute rte-1']);
    expect(requests).toEqual([]);
  });

  it('asks MoniMe for the configured code duration, in the largest whole unit, and holds the seat that long plus the grace', async () => {
    const cases: Array<[number, string]> = [
      [1_800, '30m'],
      [7_200, '2h'],
      [90, '90s'],
      [2, '2s'],
    ];
    for (const [codeSeconds, duration] of cases) {
      const { db } = fakeDb();
      const { monime, requests } = fakeMonime(issuedCode);
      const { scheduleDeadline, scheduled } = fakeDeadlines();
      await reserveTicket({ ...deps(db, monime), timing: { codeSeconds, graceSeconds: 1 }, scheduleDeadline }, request);
      expect(requests[0].request.duration).toBe(duration);
      expect(scheduled[0].deadline).toBe(new Date(NOW.getTime() + (codeSeconds + 1) * 1000).toISOString());
    }
  });
});
