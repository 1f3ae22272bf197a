import type { PaymentCodeStatus, ReleaseReservationResult, TicketStatus } from '../../contract';
import { isTicketOursToRelease, reservationReleaseOutcome, ticketReleaseOutcome } from '../../domain/reservations';

describe('isTicketOursToRelease (a cancelled or rejected transaction gives its seat back)', () => {
  it.each<[TicketStatus, string | null, boolean]>([
    ['issued', 'pay-1', true],
    ['issued', 'pay-other', false],
    ['issued', null, false],
    ['reserved', null, true],
    ['reserved', 'pay-other', true],
    ['expired', null, false],
    ['expired', 'pay-1', false],
    ['cancelled', null, false],
    ['cancelled', 'pay-1', false],
  ])('a ticket %s by %s → %s', (status, transactionId, ours) => {
    expect(isTicketOursToRelease({ status, transactionId }, 'pay-1')).toBe(ours);
  });
});

describe('reservationReleaseOutcome (payment_code.expired)', () => {
  it('an unknown code releases nothing', () => {
    expect(reservationReleaseOutcome(null)).toBe('unknown_payment_code');
  });

  it.each<[PaymentCodeStatus, TicketStatus, ReleaseReservationResult['outcome']]>([
    ['pending', 'reserved', 'released'],
    ['pending', 'cancelled', 'released'],
    ['pending', 'expired', 'released'],
    ['completed', 'issued', 'already_paid'],
    ['completed', 'reserved', 'already_paid'],
    ['completed', 'cancelled', 'already_paid'],
    ['pending', 'issued', 'already_paid'],
    ['expired', 'issued', 'already_paid'],
    ['expired', 'expired', 'already_released'],
    ['expired', 'reserved', 'already_released'],
    ['cancelled', 'cancelled', 'already_released'],
  ])('code %s, ticket %s → %s', (codeStatus, ticketStatus, outcome) => {
    expect(reservationReleaseOutcome({ codeStatus, ticketStatus })).toBe(outcome);
  });

  it('precedence: paid wins over already released', () => {
    expect(reservationReleaseOutcome({ codeStatus: 'expired', ticketStatus: 'issued' })).toBe('already_paid');
    expect(reservationReleaseOutcome({ codeStatus: 'cancelled', ticketStatus: 'issued' })).toBe('already_paid');
  });
});

describe("ticketReleaseOutcome (a reservation's deadline, or the expiry webhook bringing it forward)", () => {
  const code = (status: PaymentCodeStatus) => ({ id: 'pmc-1', status });

  it('a ticket never written releases nothing', () => {
    expect(ticketReleaseOutcome(null, null)).toBe('unknown_ticket');
    expect(ticketReleaseOutcome(null, 'pmc-1')).toBe('unknown_ticket');
  });

  it.each<[TicketStatus, PaymentCodeStatus | null, ReleaseReservationResult['outcome']]>([
    ['reserved', 'pending', 'released'],
    ['reserved', null, 'released'], // half-made: the code was never attached
    ['reserved', 'expired', 'released'],
    ['issued', 'completed', 'already_paid'],
    ['reserved', 'completed', 'already_paid'],
    ['issued', null, 'already_paid'],
    ['expired', 'expired', 'already_released'],
    ['expired', 'pending', 'already_released'],
    ['cancelled', null, 'already_released'],
    ['cancelled', 'pending', 'already_released'],
  ])('ticket %s, code %s → %s (deadline or webhook alike)', (ticketStatus, codeStatus, outcome) => {
    const reservation = { ticketStatus, code: codeStatus === null ? null : code(codeStatus) };
    expect(ticketReleaseOutcome(reservation, null)).toBe(outcome);
    expect(ticketReleaseOutcome(reservation, 'pmc-1')).toBe(outcome);
  });

  it("a webhook naming another code than the ticket's releases nothing; the ticket without a code is released", () => {
    expect(ticketReleaseOutcome({ ticketStatus: 'reserved', code: code('pending') }, 'pmc-other')).toBe('unknown_payment_code');
    expect(ticketReleaseOutcome({ ticketStatus: 'reserved', code: null }, 'pmc-other')).toBe('released');
  });
});
