import { Matrix } from 'ml-matrix';

/**
 * Points as one row-major Float64Array: the k-means inner loops read it directly, which is several
 * times faster than going through Matrix.get for every coordinate. Matrix stays the interface.
 */
export interface Points {
  n: number;
  d: number;
  data: Float64Array;
}

export function pointsFromMatrix(matrix: Matrix): Points {
  return { n: matrix.rows, d: matrix.columns, data: Float64Array.from(matrix.to1DArray()) };
}

export function pointsFromRows(rows: readonly ArrayLike<number>[], d: number): Points {
  const data = new Float64Array(rows.length * d);
  rows.forEach((row, i) => {
    for (let j = 0; j < d; j += 1) data[i * d + j] = row[j]!;
  });
  return { n: rows.length, d, data };
}

export function pointsToMatrix(points: Points): Matrix {
  return Matrix.from1DArray(points.n, points.d, points.data);
}

export function subsetPoints(points: Points, indices: ArrayLike<number>): Points {
  const { d } = points;
  const data = new Float64Array(indices.length * d);
  for (let i = 0; i < indices.length; i += 1) {
    const from = indices[i]! * d;
    data.set(points.data.subarray(from, from + d), i * d);
  }
  return { n: indices.length, d, data };
}

export function squaredDistance(
  a: Float64Array,
  aOffset: number,
  b: Float64Array,
  bOffset: number,
  d: number,
): number {
  let sum = 0;
  for (let j = 0; j < d; j += 1) {
    const diff = a[aOffset + j]! - b[bOffset + j]!;
    sum += diff * diff;
  }
  return sum;
}

/** Index of the nearest centroid and its squared distance. */
export function nearest(
  data: Float64Array,
  offset: number,
  centroids: Float64Array,
  k: number,
  d: number,
): { index: number; distance: number } {
  let index = 0;
  let distance = Number.POSITIVE_INFINITY;
  for (let c = 0; c < k; c += 1) {
    const dist = squaredDistance(data, offset, centroids, c * d, d);
    if (dist < distance) {
      distance = dist;
      index = c;
    }
  }
  return { index, distance };
}
