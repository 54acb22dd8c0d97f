import type { CustomerActivity } from './activity.js';
import type { SegmentChange } from './changes.js';
import { ClusterModel, type ClusterOptions, type ClusterSnapshot } from './cluster/cluster-model.js';
import { RecentIds } from './dedup-ids.js';
import { SegmentStateError } from './errors.js';
import { type PredictionModelJson, type Predictions, predictCustomer } from './predict/prediction-model.js';
import { CustomerProfiles, type ProfilesOptions, type ProfilesSnapshot } from './profiles.js';
import { RfmModel, type RfmSnapshot } from './rfm/rfm-model.js';
import { RuleEngine, type RuleEngineSnapshot, type TraitValue } from './rules/rule-engine.js';
import { DAY_MS } from './time.js';

export interface SegmentEngineOptions {
  /** Rule segment definitions (validated; SegmentRuleError names every bad field). */
  rules?: unknown;
  profiles?: ProfilesOptions;
  clusters?: ClusterOptions;
  /** Event time between recomputations of the RFM quintiles; default 1 day. */
  rfmRefreshEveryMs?: number;
  /** Event time between cluster refits; default 7 days; null: only when refresh() is called. */
  clusterRefreshEveryMs?: number | null;
  /** Message ids remembered to count a redelivered event once; default 100,000; 0 when the caller deduplicates. */
  dedupCapacity?: number;
  predictionModel?: PredictionModelJson | null;
}

export interface SegmentEngineSnapshot {
  v: 1;
  clockMs: number | null;
  nextRfmRefreshMs: number | null;
  nextClusterRefreshMs: number | null;
  recentIds: string[];
  profiles: ProfilesSnapshot;
  rfm: RfmSnapshot;
  clusters: ClusterSnapshot;
  rules: RuleEngineSnapshot;
  predictionModel: PredictionModelJson | null;
  predictions: Array<[string, Predictions]>;
}

/** The traits segments give a customer: what campaigns and trait rules read. */
export type CustomerTraits = Record<string, TraitValue>;

/**
 * Everything segments do, driven by one stream of activities: profiles, RFM, clusters, rule segments
 * and predictions, each updated incrementally, with scheduled refreshes on event time. Deterministic:
 * the same activities (and the same snapshot to start from) give the same changes in the same order,
 * so a worker that checkpoints `snapshot()` with its Kafka offsets and replays from there after a
 * crash reproduces exactly the changes it had not yet committed.
 */
export class SegmentEngine {
  readonly profiles: CustomerProfiles;
  readonly rfm: RfmModel;
  readonly clusters: ClusterModel;
  readonly rules: RuleEngine;
  private predictionModel: PredictionModelJson | null;
  private readonly recentIds: RecentIds;
  private readonly rfmEvery: number;
  private readonly clusterEvery: number | null;
  private clockMs: number | null = null;
  private nextRfmRefreshMs: number | null = null;
  private nextClusterRefreshMs: number | null = null;
  private readonly predictions = new Map<string, Predictions>();

  constructor(options: SegmentEngineOptions = {}, restored?: SegmentEngineSnapshot) {
    this.rfmEvery = options.rfmRefreshEveryMs ?? DAY_MS;
    this.clusterEvery =
      options.clusterRefreshEveryMs === undefined ? 7 * DAY_MS : options.clusterRefreshEveryMs;
    const capacity = options.dedupCapacity ?? 100_000;
    if (restored === undefined) {
      this.profiles = new CustomerProfiles(options.profiles);
      this.rfm = new RfmModel();
      this.clusters = new ClusterModel(options.clusters);
      this.rules = new RuleEngine(options.rules ?? []);
      this.recentIds = new RecentIds(capacity);
      this.predictionModel = options.predictionModel ?? null;
    } else {
      if (restored?.v !== 1) throw new SegmentStateError('segment engine snapshot is not version 1');
      this.profiles = CustomerProfiles.restore(restored.profiles);
      this.rfm = RfmModel.restore(restored.rfm, this.profiles);
      this.clusters = ClusterModel.restore(restored.clusters, options.clusters);
      this.rules = RuleEngine.restore(restored.rules);
      this.recentIds = RecentIds.from(restored.recentIds, capacity);
      this.predictionModel = restored.predictionModel;
      this.clockMs = restored.clockMs;
      this.nextRfmRefreshMs = restored.nextRfmRefreshMs;
      this.nextClusterRefreshMs = restored.nextClusterRefreshMs;
      for (const [key, predictions] of restored.predictions) this.predictions.set(key, predictions);
    }
  }

  static restore(snapshot: SegmentEngineSnapshot, options: SegmentEngineOptions = {}): SegmentEngine {
    return new SegmentEngine(options, snapshot);
  }

  get clock(): number | null {
    return this.clockMs;
  }

  /** One event: returns the segment entries and exits it causes (time-driven ones up to it first). */
  apply(activity: CustomerActivity): SegmentChange[] {
    if (activity.messageId !== '' && !this.recentIds.add(activity.messageId)) return [];
    const changes = this.advanceTo(activity.timeMs);
    const now = this.clockMs!;
    const profile = this.profiles.apply(activity);
    changes.push(...this.rules.apply(activity));
    if (profile !== null && (activity.kind === 'order' || activity.kind === 'refund')) {
      changes.push(...this.rfm.update(this.profiles, profile.key, now));
      changes.push(...this.clusters.assign(profile, now));
      this.predict(profile.key, now);
      changes.push(...this.syncTraits([profile.key], now));
    }
    return changes;
  }

  /** Time passes: window expiries, recency steps and the scheduled refreshes up to `nowMs`. */
  advanceTo(nowMs: number): SegmentChange[] {
    const changes: SegmentChange[] = [];
    if (this.clockMs !== null && nowMs <= this.clockMs) return changes;
    if (this.clockMs === null) {
      this.nextRfmRefreshMs = nowMs + this.rfmEvery;
      this.nextClusterRefreshMs = this.clusterEvery === null ? null : nowMs + this.clusterEvery;
    }
    for (;;) {
      // After a long silence one refresh, at the last boundary passed, stands for all the missed ones.
      this.nextRfmRefreshMs = lastBoundary(this.nextRfmRefreshMs, this.rfmEvery, nowMs);
      this.nextClusterRefreshMs = lastBoundary(this.nextClusterRefreshMs, this.clusterEvery, nowMs);
      const due = Math.min(this.nextRfmRefreshMs ?? Infinity, this.nextClusterRefreshMs ?? Infinity);
      if (due > nowMs) break;
      const rfmDue = this.nextRfmRefreshMs === due;
      const clustersDue = this.nextClusterRefreshMs === due;
      changes.push(...this.moveClock(due));
      changes.push(...this.refreshParts(due, rfmDue, clustersDue));
      if (rfmDue) this.nextRfmRefreshMs = due + this.rfmEvery;
      if (clustersDue) this.nextClusterRefreshMs = due + this.clusterEvery!;
    }
    changes.push(...this.moveClock(nowMs));
    return changes;
  }

  /** Recomputes RFM quintiles and refits clusters now (the worker's schedule or an operator). */
  refresh(nowMs: number): SegmentChange[] {
    const changes = this.advanceTo(nowMs);
    changes.push(...this.refreshParts(Math.max(nowMs, this.clockMs ?? nowMs), true, true));
    return changes;
  }

  /** A newly trained prediction model: every customer's predictions and traits are recomputed. */
  setPredictionModel(model: PredictionModelJson, nowMs: number): SegmentChange[] {
    const changes = this.advanceTo(nowMs);
    this.predictionModel = model;
    const now = this.clockMs ?? nowMs;
    const keys: string[] = [];
    for (const profile of this.profiles.values()) {
      this.predict(profile.key, now);
      keys.push(profile.key);
    }
    changes.push(...this.syncTraits(keys, now));
    return changes;
  }

  /** The prediction model in use, or null. */
  get currentPredictionModel(): PredictionModelJson | null {
    return this.predictionModel;
  }

  /**
   * Forgets one customer everywhere (profile, RFM, cluster, rules, predictions), for a deletion
   * request: no exit change is produced, because a change would write their id again. Aggregates
   * (RFM breakpoints, centroids, the prediction model) stay until their next refresh.
   */
  forget(key: string): boolean {
    const parts = [
      this.profiles.forget(key),
      this.rfm.forget(key),
      this.clusters.forget(key),
      this.rules.forget(key),
      this.predictions.delete(key),
    ];
    return parts.some(Boolean);
  }

  segmentsOf(key: string): string[] {
    const segments: string[] = [];
    const rfm = RfmModel.segmentId(this.rfm.scoreOf(key));
    if (rfm !== null) segments.push(rfm);
    const cluster = ClusterModel.segmentId(this.clusters.labelOf(key));
    if (cluster !== null) segments.push(cluster);
    segments.push(...this.rules.segmentsOf(key));
    return segments;
  }

  traitsOf(key: string): CustomerTraits {
    const traits: CustomerTraits = {};
    const score = this.rfm.scoreOf(key);
    if (score !== undefined) {
      traits['rfm_segment'] = score.segment;
      traits['rfm_r'] = score.r;
      traits['rfm_f'] = score.f;
      traits['rfm_m'] = score.m;
    }
    const cluster = this.clusters.labelOf(key);
    if (cluster !== undefined) traits['cluster'] = cluster;
    const predictions = this.predictions.get(key);
    if (predictions !== undefined) Object.assign(traits, predictions);
    return traits;
  }

  /** Members per segment (a scan of the in-memory state; the service API reads ClickHouse). */
  sizes(): Record<string, number> {
    const sizes: Record<string, number> = {};
    const add = (segment: string | null): void => {
      if (segment !== null) sizes[segment] = (sizes[segment] ?? 0) + 1;
    };
    for (const score of this.rfm.allScores().values()) add(RfmModel.segmentId(score));
    for (const label of this.clusters.allLabels().values()) add(ClusterModel.segmentId(label));
    for (const [, segments] of this.rules.memberships()) for (const segment of segments) add(segment);
    return sizes;
  }

  /** The customers in one segment, in key order (a scan of the in-memory state). */
  membersOf(segment: string): string[] {
    const members: string[] = [];
    for (const [key, score] of this.rfm.allScores())
      if (RfmModel.segmentId(score) === segment) members.push(key);
    for (const [key, label] of this.clusters.allLabels()) {
      if (ClusterModel.segmentId(label) === segment) members.push(key);
    }
    for (const [key, segments] of this.rules.memberships()) if (segments.includes(segment)) members.push(key);
    return members.sort();
  }

  snapshot(): SegmentEngineSnapshot {
    return {
      v: 1,
      clockMs: this.clockMs,
      nextRfmRefreshMs: this.nextRfmRefreshMs,
      nextClusterRefreshMs: this.nextClusterRefreshMs,
      recentIds: this.recentIds.toJSON(),
      profiles: this.profiles.snapshot(),
      rfm: this.rfm.snapshot(),
      clusters: this.clusters.snapshot(),
      rules: this.rules.snapshot(),
      predictionModel: this.predictionModel,
      predictions: [...this.predictions],
    };
  }

  private moveClock(nowMs: number): SegmentChange[] {
    if (this.clockMs !== null && nowMs <= this.clockMs) return [];
    this.clockMs = nowMs;
    const changes = this.rules.advanceTo(nowMs);
    const rfmChanges = this.rfm.advanceTo(this.profiles, nowMs);
    changes.push(...rfmChanges);
    changes.push(
      ...this.syncTraits(
        rfmChanges.map((c) => c.userKey),
        nowMs,
      ),
    );
    return changes;
  }

  private refreshParts(nowMs: number, rfm: boolean, clusters: boolean): SegmentChange[] {
    this.profiles.prune(nowMs);
    const changes: SegmentChange[] = [];
    if (rfm) changes.push(...this.rfm.refresh(this.profiles, nowMs));
    if (clusters) changes.push(...this.clusters.refresh(this.profiles, nowMs));
    changes.push(
      ...this.syncTraits(
        changes.map((c) => c.userKey),
        nowMs,
      ),
    );
    return changes;
  }

  private predict(key: string, nowMs: number): void {
    const profile = this.profiles.get(key);
    if (this.predictionModel === null || profile === undefined) return;
    const predictions = predictCustomer(this.predictionModel, profile, nowMs);
    if (predictions !== null) this.predictions.set(key, predictions);
  }

  /** Hands the customers' computed traits to the rule engine (trait rules re-evaluate on change). */
  private syncTraits(keys: readonly string[], nowMs: number): SegmentChange[] {
    if (!this.rules.readsTraits) return [];
    const changes: SegmentChange[] = [];
    for (const key of new Set(keys)) changes.push(...this.rules.setTraits(key, this.traitsOf(key), nowMs));
    return changes;
  }
}

function lastBoundary(scheduled: number | null, every: number | null, nowMs: number): number | null {
  if (scheduled === null || every === null || scheduled > nowMs) return scheduled;
  return scheduled + every * Math.floor((nowMs - scheduled) / every);
}
