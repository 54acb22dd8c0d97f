import { sampleIndices, seededRandom } from '../random.js';
import { dbscanWithCore, epsFromKDistances, kDistances, NOISE } from './dbscan.js';
import { assignPoints, kmeansPlusPlus, miniBatchKMeans } from './kmeans.js';
import { type Points, squaredDistance, subsetPoints } from './points.js';
import { pairwiseDistances, silhouetteFromDistances } from './silhouette.js';

export interface FitClustersOptions {
  kMin: number;
  kMax: number;
  seed: number;
  /** Points the silhouette is computed on (sampled silhouette). */
  silhouetteSample: number;
  batchSize: number;
  /**
   * Full Lloyd steps after the mini-batches, until converged or this many. Mini-batches get near an
   * optimum cheaply but stop short of it; a refit that starts from a half-converged model then
   * lands somewhere else and relabels thousands of customers. Polished, refits are stable.
   */
  polishIterations: number;
  /** DBSCAN's minPts; eps is the epsQuantile of the minPts-distances. */
  minPts: number;
  epsQuantile: number;
  /** Points DBSCAN runs on (it is O(n²)); the others are judged against its core points. */
  dbscanSample: number;
  /** Initial centroids per k (warm start from the previous model), when known. */
  warmStart?: ReadonlyMap<number, Float64Array>;
}

export interface ClusterFit {
  k: number;
  /** k × d, standardised space. */
  centroids: Float64Array;
  silhouette: number;
  silhouetteByK: Record<number, number>;
  /** Per input point: cluster index, or −1 for a DBSCAN outlier. */
  labels: Int32Array;
  eps: number;
  /** DBSCAN core points (m × d); a point with none of them within eps is an outlier. */
  core: Float64Array;
  dbscanClusters: number;
}

/**
 * The refresh computation: DBSCAN finds the points that fit no dense region (outliers), mini-batch
 * k-means clusters the rest for each k in [kMin, kMax], and the k with the best sampled silhouette wins
 * (ties go to the smaller k); null when too few points are left to try any k. Outliers are left out of k-means so that a few wholesalers cannot pull
 * the centroids of everyone else.
 */
export function fitClusters(points: Points, o: FitClustersOptions): ClusterFit | null {
  const random = seededRandom(o.seed);
  const { d } = points;

  const dbscanIdx = sampleIndices(points.n, o.dbscanSample, random);
  const dbscanPoints = subsetPoints(points, dbscanIdx);
  const kth = kDistances(dbscanPoints, o.minPts);
  const eps = epsFromKDistances(kth, o.epsQuantile);
  const db = dbscanWithCore(
    dbscanPoints,
    eps,
    Uint8Array.from(kth, (k) => (k <= eps ? 1 : 0)),
  );
  const core = subsetPoints(dbscanPoints, db.core).data;
  const outlier = new Uint8Array(points.n);
  for (let i = 0; i < points.n; i += 1) outlier[i] = isOutlier(points.data, i * d, core, d, eps) ? 1 : 0;

  const inlierIdx: number[] = [];
  for (let i = 0; i < points.n; i += 1) if (!outlier[i]) inlierIdx.push(i);
  const inliers = subsetPoints(points, inlierIdx);
  const sampleIdx = sampleIndices(inliers.n, o.silhouetteSample, random);
  const sample = subsetPoints(inliers, sampleIdx);
  const distances = pairwiseDistances(sample);

  let best: { k: number; centroids: Float64Array; silhouette: number } | null = null;
  const silhouetteByK: Record<number, number> = {};
  const kMax = Math.min(o.kMax, inliers.n - 1);
  for (let k = o.kMin; k <= kMax; k += 1) {
    const initial = o.warmStart?.get(k) ?? kmeansPlusPlus(inliers, k, random);
    const fit = miniBatchKMeans(inliers, initial, {
      batchSize: o.batchSize,
      random,
      polishIterations: o.polishIterations,
    });
    const sampleLabels = assignPoints(sample, fit.centroids, k).labels;
    const score = silhouetteFromDistances(distances, sample.n, sampleLabels, k);
    silhouetteByK[k] = score;
    if (best === null || score > best.silhouette + 1e-12)
      best = { k, centroids: fit.centroids, silhouette: score };
  }
  if (best === null) return null; // fewer inliers than kMin + 1: nothing to cluster

  const inlierLabels = assignPoints(inliers, best.centroids, best.k).labels;
  const labels = new Int32Array(points.n).fill(NOISE);
  inlierIdx.forEach((i, at) => {
    labels[i] = inlierLabels[at]!;
  });
  return {
    k: best.k,
    centroids: best.centroids,
    silhouette: best.silhouette,
    silhouetteByK,
    labels,
    eps,
    core,
    dbscanClusters: db.clusters,
  };
}

export function isOutlier(
  data: Float64Array,
  offset: number,
  core: Float64Array,
  d: number,
  eps: number,
): boolean {
  const eps2 = eps * eps;
  const m = core.length / d;
  for (let c = 0; c < m; c += 1) {
    if (squaredDistance(data, offset, core, c * d, d) <= eps2) return false;
  }
  return true;
}
