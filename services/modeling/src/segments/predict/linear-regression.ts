import { Matrix, solve } from 'ml-matrix';
import { SegmentModelError } from '../errors.js';

export interface LinearModel {
  /** Intercept first, then one weight per feature. */
  weights: number[];
}

/** Prepends the intercept column. */
export function withIntercept(x: readonly (readonly number[])[]): Matrix {
  return new Matrix(x.map((row) => [1, ...row]));
}

function checkShape(x: readonly (readonly number[])[], y: readonly number[]): void {
  if (x.length === 0 || x.length !== y.length) {
    throw new SegmentModelError(
      `regression needs as many targets as rows (and some), got ${x.length} and ${y.length}`,
    );
  }
}

/** Solves (AᵀWA + λI) w = AᵀWy with ml-matrix; the intercept (column 0) is not penalised. */
function weightedLeastSquares(
  a: Matrix,
  y: readonly number[],
  rowWeights: readonly number[],
  lambda: number,
): number[] {
  const weighted = a.clone();
  for (let i = 0; i < a.rows; i += 1) {
    for (let j = 0; j < a.columns; j += 1) weighted.set(i, j, a.get(i, j) * rowWeights[i]!);
  }
  const gram = a.transpose().mmul(weighted);
  for (let j = 1; j < gram.columns; j += 1) gram.set(j, j, gram.get(j, j) + lambda);
  return solve(gram, weighted.transpose().mmul(Matrix.columnVector([...y]))).getColumn(0);
}

/**
 * Ordinary least squares with a small ridge penalty that keeps the solve stable when features are
 * collinear. Predicts the conditional mean.
 */
export function fitLinearRegression(
  x: readonly (readonly number[])[],
  y: readonly number[],
  lambda = 1e-6,
): LinearModel {
  checkShape(x, y);
  return {
    weights: weightedLeastSquares(withIntercept(x), y, new Array(x.length).fill(1), lambda * x.length),
  };
}

/**
 * Least absolute deviations (median regression) by iteratively reweighted least squares: each pass
 * weights a row by 1 / |its residual|, which turns squared loss into absolute loss at the fixed point.
 * Predicts the conditional median, the best a linear model can do for mean absolute error; a few
 * customers spending a hundred times the median pull it far less than they pull least squares.
 */
export function fitLeastAbsoluteDeviations(
  x: readonly (readonly number[])[],
  y: readonly number[],
  options: { iterations?: number; epsilon?: number } = {},
): LinearModel {
  checkShape(x, y);
  const a = withIntercept(x);
  const epsilon = options.epsilon ?? 1e-3;
  let model = fitLinearRegression(x, y);
  for (let iteration = 0; iteration < (options.iterations ?? 100); iteration += 1) {
    const rowWeights = x.map((row, i) => 1 / Math.max(epsilon, Math.abs(y[i]! - predictLinear(model, row))));
    const next = { weights: weightedLeastSquares(a, y, rowWeights, 1e-9) };
    const moved = Math.max(...next.weights.map((w, j) => Math.abs(w - model.weights[j]!)));
    model = next;
    if (moved < 1e-9) break;
  }
  return model;
}

export function predictLinear(model: LinearModel, row: readonly number[]): number {
  let value = model.weights[0]!;
  for (let j = 0; j < row.length; j += 1) value += model.weights[j + 1]! * row[j]!;
  return value;
}
