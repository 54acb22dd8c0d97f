import { Matrix } from 'ml-matrix';
import { moveChanges, type SegmentChange } from '../changes.js';
import {
  CLUSTER_FEATURES,
  type ClusterFeatureName,
  rawClusterFeatures,
  transformFeatures,
  untransformFeatures,
} from '../customer-features.js';
import { SegmentStateError } from '../errors.js';
import type { CustomerProfile, CustomerProfiles } from '../profiles.js';
import { shortHash } from '../random.js';
import { describeCentroid } from './describe.js';
import { fitClusters, isOutlier } from './fit-clusters.js';
import { keepsCluster } from './hysteresis.js';
import { matchClusterIds } from './match-clusters.js';
import { nearest, squaredDistance } from './points.js';
import {
  fitStandardiser,
  type Standardiser,
  standardiseMatrix,
  standardiseRow,
  unstandardiseRow,
} from './standardise.js';

/** The label of customers DBSCAN finds in no dense region. */
export const OUTLIERS = 'outliers';

export interface ClusterOptions {
  kMin?: number;
  kMax?: number;
  seed?: number;
  silhouetteSample?: number;
  batchSize?: number;
  polishIterations?: number;
  minPts?: number;
  epsQuantile?: number;
  dbscanSample?: number;
  /** A customer keeps their cluster while it is at most this much farther than the nearest (0.1 = 10 %). */
  hysteresis?: number;
  /**
   * A new centroid inherits an old one's id when closer to it than this fraction of the old one's
   * distance to its nearest other centroid.
   */
  matchRatio?: number;
  /** Fewer customers with orders than this: no clustering yet. */
  minCustomers?: number;
}

export interface ClusterInfo {
  id: string;
  size: number;
  /** Standardised centroid (0 = the average customer). */
  centroid: number[];
  /** The centroid in each feature's own unit (days, orders, pounds, ...). */
  center: Record<ClusterFeatureName, number>;
  description: string;
}

export interface ClusterReport {
  k: number;
  silhouette: number;
  silhouetteByK: Record<number, number>;
  clusters: ClusterInfo[];
  outliers: number;
  eps: number;
  dbscanClusters: number;
  customers: number;
}

interface Params {
  version: string;
  standardiser: Standardiser;
  ids: string[];
  centroids: Float64Array;
  eps: number;
  core: Float64Array;
  report: ClusterReport;
}

export interface ClusterSnapshot {
  v: 1;
  nextId: number;
  params: null | {
    version: string;
    standardiser: Standardiser;
    ids: string[];
    centroids: number[];
    eps: number;
    core: number[];
    report: ClusterReport;
  };
  labels: Array<[string, string]>;
}

const D = CLUSTER_FEATURES.length;
const NAMES = CLUSTER_FEATURES.map((f) => f.name);

/**
 * Behavioural clusters with stable labels. `refresh` (on the worker's schedule) refits DBSCAN and
 * k-means on every customer, keeps cluster ids by matching centroids, and relabels customers with
 * hysteresis: a customer changes cluster only when another centroid is clearly nearer, not when a
 * refit nudges the boundary past them. Between refreshes `assign` places a customer whose profile
 * changed, with the same rule.
 */
export class ClusterModel {
  private readonly options: Required<ClusterOptions>;
  private params: Params | null = null;
  private nextId = 1;
  private readonly labels = new Map<string, string>();

  constructor(options: ClusterOptions = {}) {
    this.options = {
      kMin: 2,
      kMax: 8,
      seed: 20_111_209,
      silhouetteSample: 2_000,
      batchSize: 256,
      polishIterations: 100,
      minPts: 10,
      epsQuantile: 0.98,
      dbscanSample: 5_000,
      hysteresis: 0.1,
      matchRatio: 0.5,
      minCustomers: 50,
      ...options,
    };
  }

  get version(): string {
    return this.params?.version ?? 'clusters-none';
  }

  get report(): ClusterReport | null {
    return this.params?.report ?? null;
  }

  labelOf(key: string): string | undefined {
    return this.labels.get(key);
  }

  /**
   * Forgets a customer's label (a deletion request) without an exit change. Centroids and the
   * DBSCAN core sample are fitted over everyone and name nobody; the next refit leaves them out.
   */
  forget(key: string): boolean {
    return this.labels.delete(key);
  }

  allLabels(): ReadonlyMap<string, string> {
    return this.labels;
  }

  static segmentId(label: string | undefined): string | null {
    return label === undefined ? null : `cluster:${label}`;
  }

  /** Refits on every customer with orders; returns the membership changes it causes. */
  refresh(profiles: CustomerProfiles, nowMs: number): SegmentChange[] {
    const keys: string[] = [];
    const rows: number[][] = [];
    for (const profile of profiles.values()) {
      const raw = rawClusterFeatures(profile, nowMs);
      if (raw === null) continue;
      keys.push(profile.key);
      rows.push([...transformFeatures(raw)]);
    }
    if (keys.length < this.options.minCustomers) return [];
    const x = new Matrix(rows);
    const standardiser = fitStandardiser(x);
    const z = standardiseMatrix(x, standardiser);
    const points = { n: z.rows, d: D, data: Float64Array.from(z.to1DArray()) };
    const previous = this.params === null ? null : this.previousIn(standardiser);
    const warmStart = previous === null ? undefined : new Map([[previous.ids.length, previous.centroids]]);
    const fit = fitClusters(points, { ...this.options, warmStart });
    if (fit === null) return []; // the previous model stays

    const sizes = new Array<number>(fit.k).fill(0);
    for (const label of fit.labels) if (label >= 0) sizes[label]! += 1;
    const bySize = sizes.map((_, c) => c).sort((a, b) => sizes[b]! - sizes[a]! || a - b);
    const ids = matchClusterIds(
      previous,
      fit.centroids,
      D,
      this.options.matchRatio,
      () => `c${this.nextId++}`,
      bySize,
    );
    const version = `clusters-${shortHash(JSON.stringify({ ids, c: [...fit.centroids].map((v) => v.toFixed(6)) }))}`;
    this.params = {
      version,
      standardiser,
      ids,
      centroids: fit.centroids,
      eps: fit.eps,
      core: fit.core,
      report: {
        k: fit.k,
        silhouette: fit.silhouette,
        silhouetteByK: fit.silhouetteByK,
        clusters: [],
        outliers: 0,
        eps: fit.eps,
        dbscanClusters: fit.dbscanClusters,
        customers: keys.length,
      },
    };
    const changes: SegmentChange[] = [];
    keys.forEach((key, i) => {
      const label = fit.labels[i]! < 0 ? OUTLIERS : this.withHysteresis(key, points.data, i * D);
      changes.push(...this.setLabel(key, label, nowMs));
    });
    this.params.report.clusters = this.describe(keys);
    this.params.report.outliers = keys.filter((key) => this.labels.get(key) === OUTLIERS).length;
    return changes;
  }

  /** Places one customer after their profile changed, against the current model. */
  assign(profile: CustomerProfile, nowMs: number): SegmentChange[] {
    if (this.params === null) return [];
    const raw = rawClusterFeatures(profile, nowMs);
    if (raw === null) return [];
    const z = standardiseRow(transformFeatures(raw), this.params.standardiser);
    const label = isOutlier(z, 0, this.params.core, D, this.params.eps)
      ? OUTLIERS
      : this.withHysteresis(profile.key, z, 0);
    return this.setLabel(profile.key, label, nowMs);
  }

  snapshot(): ClusterSnapshot {
    const p = this.params;
    return {
      v: 1,
      nextId: this.nextId,
      params: p === null ? null : { ...p, centroids: [...p.centroids], core: [...p.core] },
      labels: [...this.labels],
    };
  }

  static restore(snapshot: ClusterSnapshot, options: ClusterOptions = {}): ClusterModel {
    if (snapshot?.v !== 1 || !Array.isArray(snapshot.labels)) {
      throw new SegmentStateError('cluster snapshot is not version 1');
    }
    const model = new ClusterModel(options);
    model.nextId = snapshot.nextId;
    const p = snapshot.params;
    model.params =
      p === null
        ? null
        : { ...p, centroids: Float64Array.from(p.centroids), core: Float64Array.from(p.core) };
    for (const [key, label] of snapshot.labels) model.labels.set(key, label);
    return model;
  }

  /** The previous centroids expressed in the new standardisation, so they can be compared and reused. */
  private previousIn(standardiser: Standardiser): { ids: string[]; centroids: Float64Array } {
    const p = this.params!;
    const k = p.ids.length;
    const centroids = new Float64Array(k * D);
    for (let c = 0; c < k; c += 1) {
      const raw = unstandardiseRow(p.centroids.subarray(c * D, c * D + D), p.standardiser);
      centroids.set(standardiseRow(raw, standardiser), c * D);
    }
    return { ids: p.ids, centroids };
  }

  private withHysteresis(key: string, data: Float64Array, offset: number): string {
    const p = this.params!;
    const best = nearest(data, offset, p.centroids, p.ids.length, D);
    const current = this.labels.get(key);
    const at = current === undefined ? -1 : p.ids.indexOf(current);
    const currentDistance =
      at < 0 ? Number.POSITIVE_INFINITY : squaredDistance(data, offset, p.centroids, at * D, D);
    return keepsCluster(at, best.index, currentDistance, best.distance, this.options.hysteresis)
      ? current!
      : p.ids[best.index]!;
  }

  private setLabel(key: string, label: string, nowMs: number): SegmentChange[] {
    const before = this.labels.get(key);
    this.labels.set(key, label);
    return moveChanges(
      key,
      ClusterModel.segmentId(before),
      ClusterModel.segmentId(label),
      nowMs,
      this.version,
    );
  }

  private describe(keys: readonly string[]): ClusterInfo[] {
    const p = this.params!;
    const sizes = new Map<string, number>();
    for (const key of keys) {
      const label = this.labels.get(key)!;
      sizes.set(label, (sizes.get(label) ?? 0) + 1);
    }
    return p.ids
      .map((id, c) => {
        const centroid = [...p.centroids.subarray(c * D, c * D + D)];
        const raw = untransformFeatures(unstandardiseRow(centroid, p.standardiser));
        const center = Object.fromEntries(NAMES.map((name, j) => [name, raw[j]!])) as Record<
          ClusterFeatureName,
          number
        >;
        return {
          id,
          size: sizes.get(id) ?? 0,
          centroid,
          center,
          description: describeCentroid(NAMES, centroid, raw),
        };
      })
      .sort((a, b) => b.size - a.size || a.id.localeCompare(b.id));
  }
}
