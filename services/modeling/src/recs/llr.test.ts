import { describe, expect, it } from 'vitest';
import { logLikelihoodRatio, positiveLlr } from './llr.js';

/** G² = 2 Σ O·ln(O / E) over the four cells: the textbook form, to check the entropy form against. */
function gSquared(k11: number, k12: number, k21: number, k22: number): number {
  const n = k11 + k12 + k21 + k22;
  const cells = [
    [k11, (k11 + k12) * (k11 + k21)],
    [k12, (k11 + k12) * (k12 + k22)],
    [k21, (k21 + k22) * (k11 + k21)],
    [k22, (k21 + k22) * (k12 + k22)],
  ] as const;
  return (
    2 *
    cells.reduce((sum, [o, rowTimesCol]) => (o === 0 ? sum : sum + o * Math.log((o * n) / rowTimesCol)), 0)
  );
}

describe('logLikelihoodRatio', () => {
  it('gives the values of Mahout’s LogLikelihoodTest', () => {
    expect(logLikelihoodRatio(1, 0, 0, 1)).toBeCloseTo(2.772589, 6);
    expect(logLikelihoodRatio(10, 0, 0, 10)).toBeCloseTo(27.72589, 5);
    expect(logLikelihoodRatio(5, 1995, 0, 100000)).toBeCloseTo(39.33052, 5);
    expect(logLikelihoodRatio(1000, 1995, 1000, 100000)).toBeCloseTo(4730.737, 3);
    expect(logLikelihoodRatio(1000, 1000, 1000, 100000)).toBeCloseTo(5734.343, 3);
    expect(logLikelihoodRatio(1000, 1000, 1000, 99000)).toBeCloseTo(5714.932, 3);
  });

  it('equals 2 Σ O ln(O/E) and 4 ln 2 for the smallest perfect association', () => {
    expect(logLikelihoodRatio(1, 0, 0, 1)).toBeCloseTo(4 * Math.LN2, 12);
    for (const table of [
      [3, 7, 11, 200],
      [0.5, 2.25, 1.75, 90.5],
      [40, 1, 2, 3],
    ] as const) {
      const [a, b, c, d] = table;
      expect(logLikelihoodRatio(a, b, c, d)).toBeCloseTo(gSquared(a, b, c, d), 9);
    }
  });

  it('is 0 for independence, scales linearly, and positiveLlr keeps attraction only', () => {
    expect(logLikelihoodRatio(10, 20, 30, 60)).toBeCloseTo(0, 9);
    expect(logLikelihoodRatio(6, 14, 22, 300) * 2.5).toBeCloseTo(logLikelihoodRatio(15, 35, 55, 750), 9);
    expect(positiveLlr(1, 20, 20, 10)).toBe(0);
    expect(logLikelihoodRatio(1, 20, 20, 10)).toBeGreaterThan(0);
    expect(positiveLlr(20, 1, 1, 100)).toBe(logLikelihoodRatio(20, 1, 1, 100));
  });
});
