import { performance } from 'node:perf_hooks';
import {
  assignPoints,
  kmeansPlusPlus,
  lloydKMeans,
  miniBatchKMeans,
  type Points,
  seededRandom,
} from '@pulse/modeling';

export interface KMeansBenchOptions {
  points?: number;
  dimensions?: number;
  k?: number;
  /** Independent data sets and seeds; the figures pool them. */
  runs?: number;
  /** Timings per fit (the fastest counts). */
  repeats?: number;
}

/**
 * A Gaussian mixture like scikit-learn's make_blobs, but overlapping (blob spread 2 against centres
 * within ±5 per axis), as customer features are: Lloyd then needs tens of iterations, which is what
 * mini-batch exists to save.
 */
export function gaussianBlobs(n: number, d: number, k: number, seed: number): Points {
  const random = seededRandom(seed);
  const gauss = (): number => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const centres = Array.from({ length: k }, () => Array.from({ length: d }, () => (random() * 2 - 1) * 5));
  const data = new Float64Array(n * d);
  for (let i = 0; i < n; i += 1) {
    const centre = centres[Math.floor(random() * k)]!;
    for (let j = 0; j < d; j += 1) data[i * d + j] = centre[j]! + 2 * gauss();
  }
  return { n, d, data };
}

/**
 * kmeans_time_ratio: mini-batch time ÷ full Lloyd time, both from the same k-means++ seeding (not
 * timed) on the same 100,000 points; kmeans_inertia_ratio: mini-batch inertia ÷ Lloyd inertia.
 * Pooled over several data sets and seeds (sums of times, sums of inertias): a single run mostly
 * measures which local optimum each happened to fall into. Both fits are deterministic, so repeating
 * one gives the same centroids; only the time varies.
 */
export function benchKMeans(options: KMeansBenchOptions = {}): Record<string, number> {
  const n = options.points ?? 100_000;
  const d = options.dimensions ?? 8;
  const k = options.k ?? 8;
  const runs = options.runs ?? 5;
  const repeats = options.repeats ?? 3;
  let lloydMs = 0;
  let miniMs = 0;
  let lloydInertia = 0;
  let miniInertia = 0;
  let lloydIterations = 0;
  let worstRun = 0;
  for (let run = 0; run < runs; run += 1) {
    const points = gaussianBlobs(n, d, k, 1_000 + run);
    const initial = kmeansPlusPlus(points, k, seededRandom(2_000 + run));
    // One untimed fit of each warms the JIT; then each is timed `repeats` times, alternating, and the
    // fastest counts: the figure is about the algorithms, not about what else the machine was doing.
    let full = lloydKMeans(points, initial);
    let mini = miniBatchKMeans(points, initial, { random: seededRandom(3_000 + run) });
    let bestFull = Number.POSITIVE_INFINITY;
    let bestMini = Number.POSITIVE_INFINITY;
    for (let repeat = 0; repeat < repeats; repeat += 1) {
      let started = performance.now();
      full = lloydKMeans(points, initial);
      bestFull = Math.min(bestFull, performance.now() - started);
      started = performance.now();
      mini = miniBatchKMeans(points, initial, { random: seededRandom(3_000 + run) });
      bestMini = Math.min(bestMini, performance.now() - started);
    }
    lloydMs += bestFull;
    miniMs += bestMini;
    const fullInertia = assignPoints(points, full.centroids, k).inertia;
    const miniRunInertia = assignPoints(points, mini.centroids, k).inertia;
    lloydInertia += fullInertia;
    miniInertia += miniRunInertia;
    lloydIterations += full.iterations;
    worstRun = Math.max(worstRun, miniRunInertia / fullInertia);
  }
  return {
    kmeans_time_ratio: round(miniMs / lloydMs, 3),
    kmeans_inertia_ratio: round(miniInertia / lloydInertia, 4),
    kmeans_worst_run_inertia_ratio: round(worstRun, 4),
    kmeans_lloyd_ms: round(lloydMs / runs, 1),
    kmeans_minibatch_ms: round(miniMs / runs, 1),
    kmeans_lloyd_iterations: round(lloydIterations / runs, 1),
  };
}

const round = (x: number, digits: number): number => Number(x.toFixed(digits));
