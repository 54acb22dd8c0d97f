import { type Points, squaredDistance } from './points.js';

export const NOISE = -1;

export interface DbscanResult {
  /** Cluster per point, NOISE (−1) for points that fit no cluster. */
  labels: Int32Array;
  clusters: number;
  /** Indices of the core points (at least minPts points within eps, themselves included). */
  core: Int32Array;
}

/**
 * DBSCAN (Ester et al. 1996), brute force: O(n²) distances and O(n) memory. Neighbour lists are not
 * stored (with a generous eps a dense region gives every point thousands of neighbours); instead one
 * pass counts neighbours to find the core points and a second joins core points within eps
 * (union-find) and attaches border points. Meant for up to ~10,000 points: callers sample.
 */
export function dbscan(points: Points, eps: number, minPts: number): DbscanResult {
  const { n, d, data } = points;
  const eps2 = eps * eps;
  const counts = new Int32Array(n).fill(1); // itself
  for (let i = 0; i < n; i += 1) {
    for (let j = i + 1; j < n; j += 1) {
      if (squaredDistance(data, i * d, data, j * d, d) <= eps2) {
        counts[i]! += 1;
        counts[j]! += 1;
      }
    }
  }
  return dbscanWithCore(
    points,
    eps,
    Uint8Array.from(counts, (c) => (c >= minPts ? 1 : 0)),
  );
}

/** DBSCAN once the core points are known (e.g. from the k-distances: core ⇔ k-distance ≤ eps). */
export function dbscanWithCore(points: Points, eps: number, isCore: Uint8Array): DbscanResult {
  const { n, d, data } = points;
  const eps2 = eps * eps;
  const parent = Int32Array.from({ length: n }, (_, i) => i);
  const find = (i: number): number => {
    let root = i;
    while (parent[root] !== root) root = parent[root]!;
    while (parent[i] !== root) {
      const next = parent[i]!;
      parent[i] = root;
      i = next;
    }
    return root;
  };
  const attachedTo = new Int32Array(n).fill(-1); // a border point's first core neighbour
  for (let i = 0; i < n; i += 1) {
    for (let j = i + 1; j < n; j += 1) {
      const coreI = isCore[i] === 1;
      const coreJ = isCore[j] === 1;
      if (!coreI && !coreJ) continue;
      if (coreI && coreJ && find(i) === find(j)) continue;
      if (!coreI && attachedTo[i]! >= 0) continue;
      if (!coreJ && attachedTo[j]! >= 0) continue;
      if (squaredDistance(data, i * d, data, j * d, d) > eps2) continue;
      if (coreI && coreJ) {
        const a = find(i);
        const b = find(j);
        parent[Math.max(a, b)] = Math.min(a, b); // the smaller index roots: labels do not depend on order
      } else if (coreI) {
        attachedTo[j] = i;
      } else {
        attachedTo[i] = j;
      }
    }
  }
  const labels = new Int32Array(n).fill(NOISE);
  const clusterOfRoot = new Map<number, number>();
  const core: number[] = [];
  for (let i = 0; i < n; i += 1) {
    if (isCore[i] !== 1) continue;
    core.push(i);
    const root = find(i);
    let cluster = clusterOfRoot.get(root);
    if (cluster === undefined) {
      cluster = clusterOfRoot.size;
      clusterOfRoot.set(root, cluster);
    }
    labels[i] = cluster;
  }
  for (let i = 0; i < n; i += 1) {
    if (isCore[i] !== 1 && attachedTo[i]! >= 0) labels[i] = labels[attachedTo[i]!]!;
  }
  return { labels, clusters: clusterOfRoot.size, core: Int32Array.from(core) };
}

/** Every point's distance to its minPts-th nearest point (itself counted), each pair computed once. */
export function kDistances(points: Points, minPts: number): Float64Array {
  const { n, d, data } = points;
  const m = Math.max(1, Math.min(n, minPts));
  // Per point, its m smallest squared distances kept sorted; `worst` caches the m-th so that most
  // pairs are rejected with one comparison.
  const smallest = new Float64Array(n * m).fill(Number.POSITIVE_INFINITY);
  const worst = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
  const offer = (i: number, dist: number): void => {
    const base = i * m;
    let at = m - 1;
    while (at > 0 && smallest[base + at - 1]! > dist) {
      smallest[base + at] = smallest[base + at - 1]!;
      at -= 1;
    }
    smallest[base + at] = dist;
    worst[i] = smallest[base + m - 1]!;
  };
  for (let i = 0; i < n; i += 1) {
    offer(i, 0);
    for (let j = i + 1; j < n; j += 1) {
      const dist = squaredDistance(data, i * d, data, j * d, d);
      if (dist < worst[i]!) offer(i, dist);
      if (dist < worst[j]!) offer(j, dist);
    }
  }
  return Float64Array.from(worst, Math.sqrt);
}

/**
 * eps from the data: the `quantile` of the k-distances (the k-distance plot of the DBSCAN paper).
 * Points sparser than that can only be border points or noise.
 */
export function epsFromKDistances(kth: Float64Array, quantile: number): number {
  const sorted = Float64Array.from(kth).sort();
  return sorted[Math.min(sorted.length - 1, Math.floor(quantile * sorted.length))]!;
}
