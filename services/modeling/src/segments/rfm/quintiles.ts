/** Breakpoints of a 1-5 score: the values at the 20, 40, 60 and 80 % quantiles (nearest rank). */
export type Breakpoints = readonly [number, number, number, number];

/**
 * Nearest-rank quintiles. Values are not ranked one by one: customers with the same value always get
 * the same score (35 % of Online Retail's customers ordered once; they cannot be split fairly).
 */
export function quintileBreakpoints(values: ArrayLike<number>): Breakpoints {
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  if (n === 0) return [0, 0, 0, 0];
  const at = (q: number): number => sorted[Math.max(0, Math.ceil((q * n) / 5) - 1)]!;
  return [at(1), at(2), at(3), at(4)];
}

/** 1..5 where more is better (frequency, money): one step per breakpoint the value is above. */
export function scoreHigherBetter(value: number, b: Breakpoints): number {
  return (
    1 + (value > b[0] ? 1 : 0) + (value > b[1] ? 1 : 0) + (value > b[2] ? 1 : 0) + (value > b[3] ? 1 : 0)
  );
}

/** 1..5 where less is better (days since the last order). */
export function scoreLowerBetter(value: number, b: Breakpoints): number {
  return 6 - scoreHigherBetter(value, b);
}
