/** Amounts are integers in minor units (e.g. cents of SLE); never floats. */
export interface Money {
  currency: string;
  value: number;
}
