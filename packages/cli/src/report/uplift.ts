/** Conversions out of a group. */
export interface Group {
  n: number;
  conversions: number;
}

export interface Comparison {
  treatedRate: number;
  controlRate: number;
  /** treatedRate − controlRate, in absolute terms (0.02 = two percentage points). */
  uplift: number;
  /** 95% confidence interval of the uplift (unpooled standard error). */
  ci95: [number, number];
  /** Two-proportion z statistic (pooled standard error) and its two-sided p-value. */
  z: number;
  pValue: number;
}

const Z95 = 1.959963984540054;

/** Standard normal CDF (Abramowitz & Stegun 7.1.26 through erf; error below 1.5e-7). */
export function normalCdf(x: number): number {
  const t = 1 / (1 + (0.3275911 * Math.abs(x)) / Math.SQRT2);
  const poly =
    t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-(x * x) / 2);
  return x >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

/**
 * Compares a treated group with a control group by the two-proportion
 * z-test. Undefined when either group is empty: there is nothing to
 * compare, and a made-up zero would read as "no effect".
 */
export function compareProportions(treated: Group, control: Group): Comparison | undefined {
  if (treated.n === 0 || control.n === 0) return undefined;
  const p1 = treated.conversions / treated.n;
  const p0 = control.conversions / control.n;
  const uplift = p1 - p0;
  const se = Math.sqrt((p1 * (1 - p1)) / treated.n + (p0 * (1 - p0)) / control.n);
  const pooled = (treated.conversions + control.conversions) / (treated.n + control.n);
  const sePooled = Math.sqrt(pooled * (1 - pooled) * (1 / treated.n + 1 / control.n));
  const z = sePooled === 0 ? 0 : uplift / sePooled;
  return {
    treatedRate: p1,
    controlRate: p0,
    uplift,
    ci95: [uplift - Z95 * se, uplift + Z95 * se],
    z,
    pValue: sePooled === 0 ? 1 : 2 * (1 - normalCdf(Math.abs(z))),
  };
}
