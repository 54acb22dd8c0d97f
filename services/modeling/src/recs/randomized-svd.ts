import { Matrix, QrDecomposition, SingularValueDecomposition } from 'ml-matrix';

/** A sparse matrix in compressed sparse row form. */
export interface SparseMatrix {
  rows: number;
  cols: number;
  /** Row i's entries are at rowStart[i] .. rowStart[i + 1] − 1 of colIndex / values. */
  rowStart: Int32Array;
  colIndex: Int32Array;
  values: Float64Array;
}

export interface TruncatedSvd {
  /** rows × k left singular vectors. */
  u: Matrix;
  /** The k largest singular values, descending. */
  s: number[];
  /** cols × k right singular vectors. */
  v: Matrix;
}

export interface RandomizedSvdOptions {
  oversample: number;
  powerIterations: number;
  /** Uniform [0, 1) numbers; seeded, so that a refit of the same data gives the same factors. */
  random: () => number;
}

/**
 * The k-term truncated SVD of a sparse matrix by the randomized range finder of Halko, Martinsson
 * and Tropp (2011): Y = A·Ω for a Gaussian Ω of k + oversample columns, a few power iterations
 * (A·Aᵀ)·Y to sharpen the spectrum, Q = orth(Y), then the exact SVD (ml-matrix) of the small
 * matrix B = Qᵀ·A. Costs a few passes over the non-zeros plus O((m + n)·l²): a user-item matrix of
 * tens of thousands of rows and columns takes well under a second, where a full SVD would not fit.
 * Exact (to rounding) when A has rank ≤ k + oversample.
 */
export function randomizedSvd(a: SparseMatrix, k: number, options: RandomizedSvdOptions): TruncatedSvd {
  const l = Math.min(k + options.oversample, a.rows, a.cols);
  const rank = Math.min(k, l);
  if (l === 0) return { u: new Matrix(a.rows, 0), s: [], v: new Matrix(a.cols, 0) };
  const omega = new Matrix(a.cols, l);
  for (let i = 0; i < a.cols; i++) for (let j = 0; j < l; j++) omega.set(i, j, gaussian(options.random));
  let q = orthonormal(multiply(a, omega));
  for (let i = 0; i < options.powerIterations; i++) {
    q = orthonormal(multiply(a, orthonormal(multiplyTransposed(a, q))));
  }
  // Bᵀ = Aᵀ·Q is cols × l (tall): its SVD Bᵀ = V·S·Wᵀ gives A ≈ Q·B = (Q·W)·S·Vᵀ.
  const svd = new SingularValueDecomposition(multiplyTransposed(a, q), { autoTranspose: true });
  const s = svd.diagonal.slice(0, rank);
  const v = svd.leftSingularVectors.subMatrix(0, a.cols - 1, 0, rank - 1);
  const u = q.mmul(svd.rightSingularVectors.subMatrix(0, l - 1, 0, rank - 1));
  return { u, s, v };
}

/** A · X for sparse A (m × n) and dense X (n × l). */
export function multiply(a: SparseMatrix, x: Matrix): Matrix {
  const l = x.columns;
  const xRows = x.to2DArray();
  const out: Float64Array[] = [];
  for (let i = 0; i < a.rows; i++) {
    const row = new Float64Array(l);
    for (let p = a.rowStart[i]!; p < a.rowStart[i + 1]!; p++) {
      const value = a.values[p]!;
      const xRow = xRows[a.colIndex[p]!]!;
      for (let j = 0; j < l; j++) row[j]! += value * xRow[j]!;
    }
    out.push(row);
  }
  return toMatrix(out, l);
}

/** Aᵀ · X for sparse A (m × n) and dense X (m × l). */
export function multiplyTransposed(a: SparseMatrix, x: Matrix): Matrix {
  const l = x.columns;
  const xRows = x.to2DArray();
  const out = Array.from({ length: a.cols }, () => new Float64Array(l));
  for (let i = 0; i < a.rows; i++) {
    const xRow = xRows[i]!;
    for (let p = a.rowStart[i]!; p < a.rowStart[i + 1]!; p++) {
      const value = a.values[p]!;
      const row = out[a.colIndex[p]!]!;
      for (let j = 0; j < l; j++) row[j]! += value * xRow[j]!;
    }
  }
  return toMatrix(out, l);
}

function toMatrix(rows: Float64Array[], columns: number): Matrix {
  const m = new Matrix(rows.length, columns);
  rows.forEach((row, i) => {
    for (let j = 0; j < columns; j++) m.set(i, j, row[j]!);
  });
  return m;
}

/** A sparse matrix from rows of (column, value) pairs. */
export function sparseFromRows(
  rows: ReadonlyArray<ReadonlyArray<readonly [number, number]>>,
  cols: number,
): SparseMatrix {
  let nonZero = 0;
  for (const row of rows) nonZero += row.length;
  const rowStart = new Int32Array(rows.length + 1);
  const colIndex = new Int32Array(nonZero);
  const values = new Float64Array(nonZero);
  let p = 0;
  rows.forEach((row, i) => {
    rowStart[i] = p;
    for (const [col, value] of row) {
      colIndex[p] = col;
      values[p++] = value;
    }
  });
  rowStart[rows.length] = p;
  return { rows: rows.length, cols, rowStart, colIndex, values };
}

function orthonormal(y: Matrix): Matrix {
  return new QrDecomposition(y).orthogonalMatrix;
}

function gaussian(random: () => number): number {
  // Box-Muller; 1 − u keeps the logarithm finite.
  const u = 1 - random();
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** mulberry32: a small seeded generator, enough for random projections. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
