import type { Matrix } from 'ml-matrix';

export interface Standardiser {
  means: number[];
  stds: number[];
}

/** Column means and standard deviations (a constant column gets std 1, so it maps to 0, not NaN). */
export function fitStandardiser(x: Matrix): Standardiser {
  const means = x.mean('column');
  const stds = x
    .standardDeviation('column', { mean: means, unbiased: false })
    .map((s) => (s > 1e-12 ? s : 1));
  return { means, stds };
}

export function standardiseMatrix(x: Matrix, s: Standardiser): Matrix {
  return x.clone().subRowVector(s.means).divRowVector(s.stds);
}

export function standardiseRow(row: ArrayLike<number>, s: Standardiser): Float64Array {
  const out = new Float64Array(row.length);
  for (let j = 0; j < row.length; j += 1) out[j] = (row[j]! - s.means[j]!) / s.stds[j]!;
  return out;
}

export function unstandardiseRow(row: ArrayLike<number>, s: Standardiser): Float64Array {
  const out = new Float64Array(row.length);
  for (let j = 0; j < row.length; j += 1) out[j] = row[j]! * s.stds[j]! + s.means[j]!;
  return out;
}
