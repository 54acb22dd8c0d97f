import { Matrix, solve } from 'ml-matrix';
import { SegmentModelError } from '../errors.js';
import { type LinearModel, predictLinear, withIntercept } from './linear-regression.js';

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

/**
 * Logistic regression by Newton's method (iteratively reweighted least squares) with an L2 penalty,
 * each step solved with ml-matrix. Converges in a handful of steps on standardised features.
 */
export function fitLogisticRegression(
  x: readonly (readonly number[])[],
  y: readonly number[],
  options: { lambda?: number; maxIterations?: number } = {},
): LinearModel {
  if (x.length === 0 || x.length !== y.length) {
    throw new SegmentModelError(
      `logistic regression needs as many labels as rows, got ${x.length} and ${y.length}`,
    );
  }
  const lambda = (options.lambda ?? 1e-3) * x.length;
  const design = withIntercept(x);
  const n = design.rows;
  const p = design.columns;
  let weights = new Array<number>(p).fill(0);
  for (let iteration = 0; iteration < (options.maxIterations ?? 25); iteration += 1) {
    const hessian = Matrix.zeros(p, p);
    const gradient = new Array<number>(p).fill(0);
    for (let i = 0; i < n; i += 1) {
      const row = design.getRow(i);
      let z = 0;
      for (let j = 0; j < p; j += 1) z += row[j]! * weights[j]!;
      const prob = sigmoid(z);
      const w = Math.max(prob * (1 - prob), 1e-9);
      const residual = y[i]! - prob;
      for (let a = 0; a < p; a += 1) {
        gradient[a]! += residual * row[a]!;
        for (let b = a; b < p; b += 1) hessian.set(a, b, hessian.get(a, b) + w * row[a]! * row[b]!);
      }
    }
    for (let a = 0; a < p; a += 1) {
      for (let b = 0; b < a; b += 1) hessian.set(a, b, hessian.get(b, a));
      if (a > 0) {
        hessian.set(a, a, hessian.get(a, a) + lambda);
        gradient[a]! -= lambda * weights[a]!;
      }
    }
    const step = solve(hessian, Matrix.columnVector(gradient)).getColumn(0);
    weights = weights.map((w, j) => w + step[j]!);
    if (Math.max(...step.map(Math.abs)) < 1e-8) break;
  }
  return { weights };
}

export function predictProbability(model: LinearModel, row: readonly number[]): number {
  return sigmoid(predictLinear(model, row));
}
