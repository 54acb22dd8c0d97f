import { SegmentModelError } from '../errors.js';
import { nearest, type Points, squaredDistance } from './points.js';

export interface Assignment {
  labels: Int32Array;
  /** Sum of squared distances of the points to their centroid. */
  inertia: number;
}

export interface KMeansFit {
  /** k × d, row-major. */
  centroids: Float64Array;
  k: number;
  iterations: number;
}

/**
 * Greedy k-means++ seeding (Arthur & Vassilvitskii 2007; the greedy variant scikit-learn uses): each
 * next centroid is the best of 2 + ln k candidates, each drawn with probability proportional to its
 * squared distance to the nearest chosen centroid, "best" meaning the lowest total squared distance
 * once added. The greedy choice avoids most seedings with two centroids in one dense region, the
 * local optima neither Lloyd nor mini-batch climb out of. Deterministic for a given `random`.
 */
export function kmeansPlusPlus(points: Points, k: number, random: () => number): Float64Array {
  const { n, d, data } = points;
  if (k < 1 || k > n) throw new SegmentModelError(`k must be between 1 and the ${n} points, got ${k}`);
  const trials = 2 + Math.floor(Math.log(k));
  const centroids = new Float64Array(k * d);
  const first = Math.floor(random() * n);
  centroids.set(data.subarray(first * d, first * d + d), 0);
  let closest = new Float64Array(n);
  let potential = 0;
  for (let i = 0; i < n; i += 1) {
    closest[i] = squaredDistance(data, i * d, centroids, 0, d);
    potential += closest[i]!;
  }
  let candidateClosest = new Float64Array(n);
  let bestClosest = new Float64Array(n);
  for (let c = 1; c < k; c += 1) {
    let bestPotential = Number.POSITIVE_INFINITY;
    let bestPoint = -1;
    for (let t = 0; t < trials; t += 1) {
      const candidate = drawProportional(closest, potential, random);
      let candidatePotential = 0;
      for (let i = 0; i < n; i += 1) {
        const dist = Math.min(closest[i]!, squaredDistance(data, i * d, data, candidate * d, d));
        candidateClosest[i] = dist;
        candidatePotential += dist;
      }
      if (candidatePotential < bestPotential) {
        bestPotential = candidatePotential;
        bestPoint = candidate;
        [bestClosest, candidateClosest] = [candidateClosest, bestClosest];
      }
    }
    centroids.set(data.subarray(bestPoint * d, bestPoint * d + d), c * d);
    [closest, bestClosest] = [bestClosest, closest];
    potential = bestPotential;
  }
  return centroids;
}

function drawProportional(weights: Float64Array, total: number, random: () => number): number {
  let target = random() * total;
  for (let i = 0; i < weights.length; i += 1) {
    target -= weights[i]!;
    if (target <= 0) return i;
  }
  return weights.length - 1;
}

export function assignPoints(points: Points, centroids: Float64Array, k: number): Assignment {
  const { n, d, data } = points;
  const labels = new Int32Array(n);
  let inertia = 0;
  for (let i = 0; i < n; i += 1) {
    const { index, distance } = nearest(data, i * d, centroids, k, d);
    labels[i] = index;
    inertia += distance;
  }
  return { labels, inertia };
}

/** scikit-learn's convergence scale: a tolerance relative to the data's mean variance per feature. */
function meanVariance(points: Points): number {
  const { n, d, data } = points;
  let total = 0;
  for (let j = 0; j < d; j += 1) {
    let mean = 0;
    for (let i = 0; i < n; i += 1) mean += data[i * d + j]!;
    mean /= n;
    let variance = 0;
    for (let i = 0; i < n; i += 1) variance += (data[i * d + j]! - mean) ** 2;
    total += variance / n;
  }
  return total / d;
}

export interface LloydOptions {
  maxIterations?: number;
  /** Stop when the centroids moved less than tolerance × mean feature variance (squared). */
  tolerance?: number;
}

/** Full-batch Lloyd k-means: every point every iteration. The reference mini-batch is measured against. */
export function lloydKMeans(points: Points, initial: Float64Array, options: LloydOptions = {}): KMeansFit {
  const { n, d, data } = points;
  const k = initial.length / d;
  const maxIterations = options.maxIterations ?? 300;
  const tolerance = (options.tolerance ?? 1e-4) * meanVariance(points);
  const centroids = Float64Array.from(initial);
  const sums = new Float64Array(k * d);
  const counts = new Float64Array(k);
  let iterations = 0;
  while (iterations < maxIterations) {
    iterations += 1;
    sums.fill(0);
    counts.fill(0);
    for (let i = 0; i < n; i += 1) {
      const c = nearest(data, i * d, centroids, k, d).index;
      counts[c]! += 1;
      for (let j = 0; j < d; j += 1) sums[c * d + j]! += data[i * d + j]!;
    }
    let shift = 0;
    for (let c = 0; c < k; c += 1) {
      if (counts[c] === 0) continue; // an empty cluster keeps its centroid
      for (let j = 0; j < d; j += 1) {
        const next = sums[c * d + j]! / counts[c]!;
        shift += (next - centroids[c * d + j]!) ** 2;
        centroids[c * d + j] = next;
      }
    }
    if (shift <= tolerance) break;
  }
  return { centroids, k, iterations };
}

export interface MiniBatchOptions {
  /** Points per step; default 256. The cost per point does not depend on it; smaller means more updates. */
  batchSize?: number;
  /** At most this many passes' worth of points; default 1. */
  maxEpochs?: number;
  /** Stop after this many batches without a better smoothed batch inertia; default 40. */
  patience?: number;
  /** How far back (in epochs) a centroid's average reaches; default 0.25. */
  memoryEpochs?: number;
  /** Full Lloyd iterations at the end (at least 1; until convergence when large); default 1. */
  polishIterations?: number;
  random: () => number;
}

/**
 * Mini-batch k-means (Sculley 2010): each step assigns a random batch and moves each centroid towards
 * its batch points with a per-centroid learning rate 1 / (points it has seen). Unlike Sculley, the
 * counts decay (memory of `memoryEpochs`): with a plain 1 / count a centroid keeps averaging the
 * points it took while it was still moving, and settles on a history-weighted mean several percent
 * worse than Lloyd's; forgetting makes it average its current points, which is Lloyd's fixed point.
 * Stops early when the smoothed batch inertia has not improved for `patience` batches (scikit-learn's
 * rule). Ends with full assignment and mean steps: one costs a Lloyd iteration and removes the drift
 * of the last batches.
 */
export function miniBatchKMeans(points: Points, initial: Float64Array, options: MiniBatchOptions): KMeansFit {
  const { n, d, data } = points;
  const k = initial.length / d;
  const batchSize = Math.min(options.batchSize ?? 256, n);
  const maxIterations = Math.ceil(((options.maxEpochs ?? 1) * n) / batchSize);
  const patience = options.patience ?? 40;
  const keep = Math.max(0, 1 - batchSize / ((options.memoryEpochs ?? 0.25) * n));
  const centroids = Float64Array.from(initial);
  const seen = new Float64Array(k);
  const batch = new Int32Array(batchSize);
  const batchLabels = new Int32Array(batchSize);
  let smoothed = Number.NaN;
  let best = Number.POSITIVE_INFINITY;
  let sinceBest = 0;
  const alpha = Math.min(1, (2 * batchSize) / (n + 1));
  let iterations = 0;
  while (iterations < maxIterations) {
    iterations += 1;
    let batchInertia = 0;
    for (let b = 0; b < batchSize; b += 1) {
      const i = Math.floor(options.random() * n);
      batch[b] = i;
      // nearest(), inlined: this loop is the algorithm's whole cost.
      let label = 0;
      let closest = Number.POSITIVE_INFINITY;
      for (let c = 0; c < k; c += 1) {
        let dist = 0;
        for (let j = 0; j < d; j += 1) {
          const diff = data[i * d + j]! - centroids[c * d + j]!;
          dist += diff * diff;
        }
        if (dist < closest) {
          closest = dist;
          label = c;
        }
      }
      batchLabels[b] = label;
      batchInertia += closest;
    }
    for (let c = 0; c < k; c += 1) seen[c]! *= keep;
    for (let b = 0; b < batchSize; b += 1) {
      const c = batchLabels[b]!;
      seen[c]! += 1;
      const rate = 1 / seen[c]!;
      const offset = batch[b]! * d;
      for (let j = 0; j < d; j += 1) {
        centroids[c * d + j]! += rate * (data[offset + j]! - centroids[c * d + j]!);
      }
    }
    const perPoint = batchInertia / batchSize;
    smoothed = Number.isNaN(smoothed) ? perPoint : smoothed * (1 - alpha) + perPoint * alpha;
    if (smoothed < best) {
      best = smoothed;
      sinceBest = 0;
    } else if (++sinceBest >= patience) {
      break;
    }
  }
  const polished = lloydKMeans(points, centroids, {
    maxIterations: Math.max(1, options.polishIterations ?? 1),
  });
  return { centroids: polished.centroids, k, iterations };
}
