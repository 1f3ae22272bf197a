import type { PaymentCodeStatus, ReleaseReservationResult, TicketStatus } from '../../contract';
import { isTicketOursToRelease, reservationReleaseOutcome } from '../../domain/reservations';

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
