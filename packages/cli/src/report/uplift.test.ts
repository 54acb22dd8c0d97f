import { describe, expect, it } from 'vitest';
import { compareProportions, normalCdf } from './uplift.js';

describe('compareProportions', () => {
  it('matches a hand-computed two-proportion z-test', () => {
    // 120/1000 treated vs 80/1000 control: pooled p = 0.1, SE = sqrt(0.1*0.9*0.002) = 0.013416.
    const c = compareProportions({ n: 1000, conversions: 120 }, { n: 1000, conversions: 80 });
    expect(c?.uplift).toBeCloseTo(0.04, 10);
    expect(c?.z).toBeCloseTo(2.9814, 3);
    expect(c?.pValue).toBeCloseTo(0.00287, 4);
    // Unpooled SE = sqrt(.12*.88/1000 + .08*.92/1000) = 0.013387 → ±0.026238.
    expect(c?.ci95[0]).toBeCloseTo(0.013762, 4);
    expect(c?.ci95[1]).toBeCloseTo(0.066238, 4);
  });

  it('is undefined without a control group and neutral without conversions', () => {
    expect(compareProportions({ n: 10, conversions: 1 }, { n: 0, conversions: 0 })).toBeUndefined();
    expect(compareProportions({ n: 10, conversions: 0 }, { n: 10, conversions: 0 })).toMatchObject({
      z: 0,
      pValue: 1,
    });
  });

  it('has a normal CDF accurate to the table', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 6);
    expect(normalCdf(-1)).toBeCloseTo(0.158655, 6);
  });
});
