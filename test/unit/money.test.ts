import { computeCommission, splitPayment } from '../../domain/money';

describe('computeCommission (round half up, integer minor units)', () => {
  it('rounds .5 up', () => {
    expect(computeCommission(5, 1000)).toBe(1); // 0.5 -> 1
    expect(computeCommission(15, 1000)).toBe(2); // 1.5 -> 2
    expect(computeCommission(25, 1000)).toBe(3); // 2.5 -> 3
  });
  it('rounds below .5 down', () => {
    expect(computeCommission(14, 1000)).toBe(1); // 1.4 -> 1
    expect(computeCommission(1049, 100)).toBe(10); // 10.49 -> 10
  });
  it('zero commission moves everything to the company', () => {
    expect(splitPayment(12_345, 0)).toEqual({ commission: 0, net: 12_345 });
  });
  it('100% commission leaves nothing to transfer', () => {
    expect(splitPayment(12_345, 10_000)).toEqual({ commission: 12_345, net: 0 });
  });
  it('net + commission always equals the amount', () => {
    for (const [amount, bps] of [
      [1, 1],
      [999_999, 333],
      [10_000_000_000, 9_999],
      [7, 5_000],
    ] as const) {
      const { commission, net } = splitPayment(amount, bps);
      expect(commission + net).toBe(amount);
    }
  });
  it('is exact beyond float precision', () => {
    // 2^53-1 × 1 bps: a float product would lose the last digits.
    expect(computeCommission(Number.MAX_SAFE_INTEGER, 1)).toBe(900_719_925_474);
  });
  it('rejects fractional or negative inputs', () => {
    expect(() => computeCommission(1.5, 100)).toThrow(RangeError);
    expect(() => computeCommission(-1, 100)).toThrow(RangeError);
    expect(() => computeCommission(100, 10_001)).toThrow(RangeError);
  });
});
