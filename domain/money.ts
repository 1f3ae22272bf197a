/**
 * commission = round_half_up(amount × bps / 10000), in integer arithmetic so that
 * no float rounding can move a cent (contract §4).
 */
export function computeCommission(amountMinor: number, commissionBps: number): number {
  if (!Number.isSafeInteger(amountMinor) || amountMinor < 0)
    throw new RangeError(`amount must be a non-negative integer, got ${amountMinor}`);
  if (!Number.isInteger(commissionBps) || commissionBps < 0 || commissionBps > 10_000) {
    throw new RangeError(`commissionBps must be an integer in 0..10000, got ${commissionBps}`);
  }
  const scaled = BigInt(amountMinor) * BigInt(commissionBps);
  return Number((scaled * 2n + 10_000n) / 20_000n);
}

export function splitPayment(amountMinor: number, commissionBps: number): { commission: number; net: number } {
  const commission = computeCommission(amountMinor, commissionBps);
  return { commission, net: amountMinor - commission };
}
