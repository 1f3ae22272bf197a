/** p50/p95/p99 of a sample, in its unit rounded to 0.1; nulls when the sample is empty. */
export interface Percentiles {
  p50: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
}

export function percentiles(values: number[]): Percentiles {
  if (values.length === 0) return { p50: null, p95: null, p99: null, max: null };
  const sorted = [...values].sort((a, b) => a - b);
  // Nearest rank: the smallest value with at least p% of the sample at or below it.
  const at = (p: number) => round1(sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]);
  return { p50: at(50), p95: at(95), p99: at(99), max: round1(sorted[sorted.length - 1]) };
}

export const round1 = (value: number) => Math.round(value * 10) / 10;
