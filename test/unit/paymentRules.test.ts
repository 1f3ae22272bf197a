import {
  isAlreadyApplied,
  isPaymentDecided,
  whyAcceptIsRefused,
  whyCodeRefusesAccept,
  whyPaymentCannotApply,
  type PaymentCodeAndTicket,
  type Payment,
} from '../../domain/payments';
import type { AttentionReason } from '../../contract';

/** A code that the payment below applies to cleanly; each test spoils one thing, or several. */
const openCode = (overrides: Partial<PaymentCodeAndTicket> = {}): PaymentCodeAndTicket => ({
  codeStatus: 'pending',
  codeTransactionId: null,
  price: { currency: 'SLE', value: 15_000 },
  ticketStatus: 'reserved',
  ticketCurrency: 'SLE',
  ...overrides,
});

const payment: Payment = { transactionId: 'pay-1', amount: { currency: 'SLE', value: 15_000 } };

describe('isPaymentDecided', () => {
  it('a fresh processing row with no ticket and no reason is not decided yet', () => {
    expect(isPaymentDecided({ status: 'processing', attentionReason: null, ticketId: null })).toBe(false);
  });
  it('a ticket issued, a reason recorded, or any other status means it was decided', () => {
    expect(isPaymentDecided({ status: 'processing', attentionReason: null, ticketId: 'tkt-1' })).toBe(true);
    expect(isPaymentDecided({ status: 'needs_attention', attentionReason: 'amount_mismatch', ticketId: 'tkt-1' })).toBe(true);
    expect(isPaymentDecided({ status: 'processing', attentionReason: 'amount_mismatch', ticketId: null })).toBe(true);
    expect(isPaymentDecided({ status: 'completed', attentionReason: null, ticketId: null })).toBe(true);
    expect(isPaymentDecided({ status: 'cancelled', attentionReason: null, ticketId: null })).toBe(true);
    expect(isPaymentDecided({ status: 'needs_attention', attentionReason: null, ticketId: null })).toBe(true);
  });
});

describe('whyPaymentCannotApply', () => {
  it('applies a payment of the price, in its currency, to an open code', () => {
    expect(whyPaymentCannotApply(openCode(), payment)).toBeNull();
  });
  it('applies again for the transaction that already holds the code while it is still pending', () => {
    expect(whyPaymentCannotApply(openCode({ codeTransactionId: 'pay-1' }), payment)).toBeNull();
  });

  it.each<[string, PaymentCodeAndTicket | null, AttentionReason]>([
    ['no code', null, 'unknown_payment_code'],
    ['code paid by another transaction', openCode({ codeTransactionId: 'pay-other' }), 'payment_code_already_used'],
    ['code completed', openCode({ codeStatus: 'completed' }), 'payment_code_already_used'],
    [
      'code completed by this very transaction',
      openCode({ codeStatus: 'completed', codeTransactionId: 'pay-1' }),
      'payment_code_already_used',
    ],
    ['code expired', openCode({ codeStatus: 'expired' }), 'payment_code_expired'],
    ['code cancelled', openCode({ codeStatus: 'cancelled' }), 'payment_code_expired'],
    ['ticket expired', openCode({ ticketStatus: 'expired' }), 'payment_code_expired'],
    ['ticket cancelled', openCode({ ticketStatus: 'cancelled' }), 'payment_code_expired'],
    ['ticket issued', openCode({ ticketStatus: 'issued' }), 'payment_code_expired'],
    ['paid in another currency', openCode({ price: { currency: 'USD', value: 15_000 } }), 'currency_mismatch'],
    ['paid less', openCode({ price: { currency: 'SLE', value: 15_001 } }), 'amount_mismatch'],
    ['paid more', openCode({ price: { currency: 'SLE', value: 14_999 } }), 'amount_mismatch'],
  ])('%s → %s', (_what, code, reason) => {
    expect(whyPaymentCannotApply(code, payment)).toBe(reason);
  });

  describe('precedence: the first rule that matches wins', () => {
    const everythingWrong = openCode({
      codeStatus: 'completed',
      codeTransactionId: 'pay-other',
      ticketStatus: 'cancelled',
      price: { currency: 'USD', value: 1 },
    });
    it('a code used by another payment wins over a completed, expired or mismatched one', () => {
      expect(whyPaymentCannotApply(everythingWrong, payment)).toBe('payment_code_already_used');
    });
    it('a completed code wins over an expired ticket and any mismatch', () => {
      expect(whyPaymentCannotApply({ ...everythingWrong, codeTransactionId: null }, payment)).toBe('payment_code_already_used');
    });
    it('an expired code or ticket wins over a currency or amount mismatch', () => {
      expect(whyPaymentCannotApply(openCode({ codeStatus: 'expired', price: { currency: 'USD', value: 1 } }), payment)).toBe(
        'payment_code_expired',
      );
      expect(whyPaymentCannotApply(openCode({ ticketStatus: 'cancelled', price: { currency: 'USD', value: 1 } }), payment)).toBe(
        'payment_code_expired',
      );
    });
    it('a currency mismatch wins over an amount mismatch', () => {
      expect(whyPaymentCannotApply(openCode({ price: { currency: 'USD', value: 1 } }), payment)).toBe('currency_mismatch');
    });
    it('a code already used wins over an amount mismatch', () => {
      expect(whyPaymentCannotApply(openCode({ codeTransactionId: 'pay-other', price: { currency: 'SLE', value: 1 } }), payment)).toBe(
        'payment_code_already_used',
      );
    });
  });

  it('weighs the code’s own currency, not the ticket’s', () => {
    expect(whyPaymentCannotApply(openCode({ ticketCurrency: 'USD' }), payment)).toBeNull();
  });
});

describe('isAlreadyApplied', () => {
  it('true only for a ticket with no open case', () => {
    expect(isAlreadyApplied({ attentionReason: null, ticketId: 'tkt-1' })).toBe(true);
    expect(isAlreadyApplied({ attentionReason: 'amount_mismatch', ticketId: 'tkt-1' })).toBe(false);
    expect(isAlreadyApplied({ attentionReason: null, ticketId: null })).toBe(false);
    expect(isAlreadyApplied({ attentionReason: 'unknown_payment_code', ticketId: null })).toBe(false);
  });
});

describe('whyAcceptIsRefused (by the reason the payment was parked with)', () => {
  it.each<[AttentionReason, string]>([
    ['unknown_payment_code', 'the payment code is unknown: there is no reservation to honour'],
    ['payment_code_already_used', 'the payment code already paid for another ticket'],
    ['currency_mismatch', 'paid in another currency than the ticket: reject and refund instead'],
  ])('%s is refused: %s', (reason, refusal) => {
    expect(whyAcceptIsRefused(reason)).toBe(refusal);
  });
  it.each<AttentionReason | null>(['amount_mismatch', 'payment_code_expired', 'transfer_failed', 'stalled', null])(
    '%s goes on to weigh the code',
    (reason) => {
      expect(whyAcceptIsRefused(reason)).toBeNull();
    },
  );
});

describe('whyCodeRefusesAccept (the code and ticket as they are now)', () => {
  it('accepts a pending code on a reserved ticket in the currency paid, whatever the amount', () => {
    expect(whyCodeRefusesAccept(openCode({ price: { currency: 'SLE', value: 1 } }), payment)).toBeNull();
  });
  it('accepts an expired code and ticket (the operator honours a late payment)', () => {
    expect(whyCodeRefusesAccept(openCode({ codeStatus: 'expired', ticketStatus: 'expired' }), payment)).toBeNull();
  });
  it('accepts a code this transaction already holds', () => {
    expect(whyCodeRefusesAccept(openCode({ codeTransactionId: 'pay-1', codeStatus: 'completed' }), payment)).toBeNull();
  });

  it.each<[string, PaymentCodeAndTicket | null, string]>([
    ['no code', null, 'the payment code is unknown: there is no reservation to honour'],
    [
      'code paid by another transaction',
      openCode({ codeTransactionId: 'pay-other' }),
      'the payment code already paid for another transaction',
    ],
    ['ticket priced in another currency', openCode({ ticketCurrency: 'USD' }), 'paid in SLE, the ticket is priced in USD'],
    ['ticket cancelled', openCode({ ticketStatus: 'cancelled' }), 'the ticket was cancelled'],
  ])('%s: %s', (_what, code, refusal) => {
    expect(whyCodeRefusesAccept(code, payment)).toBe(refusal);
  });

  describe('precedence: the first rule that matches wins', () => {
    it('a code paid by another transaction wins over a currency difference and a cancelled ticket', () => {
      expect(
        whyCodeRefusesAccept(openCode({ codeTransactionId: 'pay-other', ticketCurrency: 'USD', ticketStatus: 'cancelled' }), payment),
      ).toBe('the payment code already paid for another transaction');
    });
    it('a currency difference wins over a cancelled ticket', () => {
      expect(whyCodeRefusesAccept(openCode({ ticketCurrency: 'USD', ticketStatus: 'cancelled' }), payment)).toBe(
        'paid in SLE, the ticket is priced in USD',
      );
    });
  });

  it('weighs the ticket’s currency, not the code’s', () => {
    expect(whyCodeRefusesAccept(openCode({ price: { currency: 'USD', value: 15_000 } }), payment)).toBeNull();
  });
});
