import { describe, expect, it } from 'vitest';
import { seededRandom } from '../random.js';
import { fitLeastAbsoluteDeviations, fitLinearRegression, predictLinear } from './linear-regression.js';
import { fitLogisticRegression, predictProbability } from './logistic-regression.js';
import { meanAbsoluteError, rocAuc, rSquared } from './metrics.js';

describe('metrics', () => {
  it('computes MAE, R² and AUC (ties count half) on known values', () => {
    expect(meanAbsoluteError([1, 2, 3], [2, 2, 5])).toBe(1);
    expect(rSquared([1, 2, 3], [1, 2, 3])).toBe(1);
    expect(rSquared([1, 2, 3], [2, 2, 2])).toBe(0);
    expect(rocAuc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])).toBe(0.75);
    expect(rocAuc([0, 1, 0, 1], [0.5, 0.5, 0.5, 0.5])).toBe(0.5);
    expect(rocAuc([1, 1, 0], [3, 2, 1])).toBe(1);
  });
});

describe('regressions', () => {
  const random = seededRandom(4);
  const x = Array.from({ length: 200 }, () => [random() * 10, random() * 5]);

  it('least squares recovers exact coefficients', () => {
    const y = x.map(([a, b]) => 3 + 2 * a! - 0.5 * b!);
    const model = fitLinearRegression(x, y, 0);
    expect(model.weights.map((w) => Number(w.toFixed(6)))).toEqual([3, 2, -0.5]);
  });

  it('least absolute deviations follows the median, not a few huge values', () => {
    const y = x.map(([a], i) => 1 + a! + (i % 10 === 0 ? 1_000 : 0));
    const lad = fitLeastAbsoluteDeviations(x, y);
    const ols = fitLinearRegression(x, y);
    expect(lad.weights[0]).toBeCloseTo(1, 3);
    expect(lad.weights[1]).toBeCloseTo(1, 3);
    const clean = x.map(([a]) => 1 + a!);
    const ladError = meanAbsoluteError(
      clean,
      x.map((row) => predictLinear(lad, row)),
    );
    const olsError = meanAbsoluteError(
      clean,
      x.map((row) => predictLinear(ols, row)),
    );
    expect(ladError).toBeLessThan(0.01);
    expect(olsError).toBeGreaterThan(50);
  });

  it('logistic regression learns the direction of the effect and ranks well', () => {
    const labels = x.map(([a, b]) => (a! - b! + (random() - 0.5) * 2 > 2 ? 1 : 0));
    const model = fitLogisticRegression(x, labels);
    expect(model.weights[1]).toBeGreaterThan(0);
    expect(model.weights[2]).toBeLessThan(0);
    expect(
      rocAuc(
        labels,
        x.map((row) => predictProbability(model, row)),
      ),
    ).toBeGreaterThan(0.95);
  });
});
