import { type Points, squaredDistance } from './points.js';

/** Condensed pairwise Euclidean distances (Float32: a 2,000-point sample is 8 MB, computed once). */
export function pairwiseDistances(points: Points): Float32Array {
  const { n, d, data } = points;
  const out = new Float32Array(n * n);
  for (let i = 0; i < n; i += 1) {
    for (let j = i + 1; j < n; j += 1) {
      const dist = Math.sqrt(squaredDistance(data, i * d, data, j * d, d));
      out[i * n + j] = dist;
      out[j * n + i] = dist;
    }
  }
  return out;
}

/**
 * Mean silhouette (Rousseeuw 1987): for each point, a = mean distance to the rest of its cluster,
 * b = the smallest mean distance to another cluster, s = (b − a) / max(a, b); a point alone in its
 * cluster scores 0. O(n²), so callers pass a sample (sampled silhouette), with its distances computed
 * once and shared by every k tried.
 */
export function silhouetteFromDistances(
  distances: Float32Array,
  n: number,
  labels: ArrayLike<number>,
  k: number,
): number {
  if (n < 2) return 0;
  const sizes = new Float64Array(k);
  for (let i = 0; i < n; i += 1) sizes[labels[i]!]! += 1;
  const sums = new Float64Array(k);
  let total = 0;
  for (let i = 0; i < n; i += 1) {
    sums.fill(0);
    const row = i * n;
    for (let other = 0; other < n; other += 1) sums[labels[other]!]! += distances[row + other]!;
    const own = labels[i]!;
    if (sizes[own]! <= 1) continue;
    const a = sums[own]! / (sizes[own]! - 1);
    let b = Number.POSITIVE_INFINITY;
    for (let c = 0; c < k; c += 1) {
      if (c !== own && sizes[c]! > 0) b = Math.min(b, sums[c]! / sizes[c]!);
    }
    if (b === Number.POSITIVE_INFINITY) continue;
    const denominator = Math.max(a, b);
    total += denominator === 0 ? 0 : (b - a) / denominator;
  }
  return total / n;
}

export function silhouette(points: Points, labels: ArrayLike<number>, k: number): number {
  return silhouetteFromDistances(pairwiseDistances(points), points.n, labels, k);
}
