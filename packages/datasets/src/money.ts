/**
 * Amounts are summed as integer micro-pounds and rounded to pence once at the end: summing floats
 * such as 2.55 * 6 + 3.39 * 6 drifts, and rounding each line first would not match the invoice.
 * Prices in the data have at most 3 decimals and totals stay far below 2^53 micro-pounds.
 */
export function toMicros(amount: number): number {
  return Math.round(amount * 1_000_000);
}

/** Micro-pounds as pounds rounded to the penny, half away from zero (so -x rounds like x). */
export function microsToPounds(micros: number): number {
  const pence = Math.sign(micros) * Math.round(Math.abs(micros) / 10_000);
  // `+ 0` turns -0 into 0, which would otherwise serialise as 0 but compare oddly in tests.
  return pence / 100 + 0;
}
