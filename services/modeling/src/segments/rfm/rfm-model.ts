import { moveChanges, type SegmentChange } from '../changes.js';
import { SegmentStateError } from '../errors.js';
import type { CustomerProfiles } from '../profiles.js';
import { shortHash } from '../random.js';
import { dayIndex } from '../time.js';
import {
  type RfmBreakpoints,
  type RfmInput,
  type RfmScore,
  rfmBreakpoints,
  rfmInputOf,
  scoreRfm,
} from './rfm-score.js';

export interface RfmSnapshot {
  v: 1;
  breakpoints: RfmBreakpoints | null;
  version: string;
  clockMs: number | null;
  scores: Array<[string, RfmScore]>;
}

/**
 * RFM kept current three ways: a customer's order or refund rescores that customer (O(1)); time
 * passing rescores only the customers whose recency just crossed a breakpoint (found through a
 * last-order-day index, not a scan); `refresh` recomputes the quintile breakpoints from everyone, on
 * the worker's schedule. Between refreshes scores use the last breakpoints, so a lapsed Champion
 * slides to At Risk as days go by even if nobody else buys.
 */
export class RfmModel {
  private breakpoints: RfmBreakpoints | null = null;
  private versionTag = 'rfm-none';
  private clockMs: number | null = null;
  private readonly scores = new Map<string, RfmScore>();
  /** Customers by the day of their last order: the only ones whose R can change on a given day. */
  private readonly byLastDay = new Map<number, Set<string>>();
  private readonly lastDayOf = new Map<string, number>();

  get version(): string {
    return this.versionTag;
  }

  get currentBreakpoints(): RfmBreakpoints | null {
    return this.breakpoints;
  }

  scoreOf(key: string): RfmScore | undefined {
    return this.scores.get(key);
  }

  allScores(): ReadonlyMap<string, RfmScore> {
    return this.scores;
  }

  static segmentId(score: RfmScore | undefined): string | null {
    return score === undefined ? null : `rfm:${score.segment}`;
  }

  /**
   * Forgets a customer's score and day index (a deletion request) without an exit change: a deleted
   * person's membership is erased, not ended. The breakpoints stay until the next refresh.
   */
  forget(key: string): boolean {
    const day = this.lastDayOf.get(key);
    if (day !== undefined) {
      const bucket = this.byLastDay.get(day);
      bucket?.delete(key);
      if (bucket?.size === 0) this.byLastDay.delete(day);
      this.lastDayOf.delete(key);
    }
    return this.scores.delete(key) || day !== undefined;
  }

  /** Rescores one customer after their profile changed. */
  update(profiles: CustomerProfiles, key: string, nowMs: number): SegmentChange[] {
    this.clockMs = Math.max(this.clockMs ?? nowMs, nowMs);
    const changes: SegmentChange[] = [];
    this.rescore(profiles, key, this.clockMs, changes);
    return changes;
  }

  /** Moves the clock forward and rescores the customers whose recency score changes with it. */
  advanceTo(profiles: CustomerProfiles, nowMs: number): SegmentChange[] {
    const previous = this.clockMs;
    if (previous !== null && nowMs <= previous) return [];
    this.clockMs = nowMs;
    if (this.breakpoints === null || previous === null) return [];
    const fromDay = dayIndex(previous);
    const toDay = dayIndex(nowMs);
    if (toDay === fromDay) return [];
    const changes: SegmentChange[] = [];
    if (toDay - fromDay > 366) {
      for (const key of this.scores.keys()) this.rescore(profiles, key, nowMs, changes);
      return changes;
    }
    const steps = [...new Set(this.breakpoints.recencyDays)];
    const due = new Set<string>();
    for (let day = fromDay + 1; day <= toDay; day += 1) {
      for (const step of steps) {
        for (const key of this.byLastDay.get(day - step - 1) ?? []) due.add(key);
      }
    }
    // Sorted: bucket order depends on history, and a restored model must emit changes in the same order.
    for (const key of [...due].sort()) this.rescore(profiles, key, nowMs, changes);
    return changes;
  }

  /** New quintile breakpoints from every customer now, and everyone rescored against them. */
  refresh(profiles: CustomerProfiles, nowMs: number): SegmentChange[] {
    this.clockMs = Math.max(this.clockMs ?? nowMs, nowMs);
    const keys: string[] = [];
    const inputs: RfmInput[] = [];
    for (const profile of profiles.values()) {
      const input = rfmInputOf(profile);
      if (input === null) continue;
      keys.push(profile.key);
      inputs.push(input);
    }
    if (inputs.length === 0) return [];
    this.breakpoints = rfmBreakpoints(inputs, this.clockMs);
    this.versionTag = `rfm-${shortHash(JSON.stringify(this.breakpoints))}`;
    const changes: SegmentChange[] = [];
    for (let i = 0; i < keys.length; i += 1) this.scoreInput(keys[i]!, inputs[i]!, this.clockMs, changes);
    return changes;
  }

  snapshot(): RfmSnapshot {
    return {
      v: 1,
      breakpoints: this.breakpoints,
      version: this.versionTag,
      clockMs: this.clockMs,
      scores: [...this.scores],
    };
  }

  /** Restores scores and breakpoints; the day index is rebuilt from the (restored) profiles. */
  static restore(snapshot: RfmSnapshot, profiles: CustomerProfiles): RfmModel {
    if (snapshot?.v !== 1 || !Array.isArray(snapshot.scores)) {
      throw new SegmentStateError('RFM snapshot is not version 1');
    }
    const model = new RfmModel();
    model.breakpoints = snapshot.breakpoints;
    model.versionTag = snapshot.version;
    model.clockMs = snapshot.clockMs;
    for (const [key, score] of snapshot.scores) model.scores.set(key, score);
    for (const profile of profiles.values()) {
      if (profile.lastOrderMs !== null) model.index(profile.key, dayIndex(profile.lastOrderMs));
    }
    return model;
  }

  private rescore(profiles: CustomerProfiles, key: string, nowMs: number, changes: SegmentChange[]): void {
    const profile = profiles.get(key);
    const input = profile === undefined ? null : rfmInputOf(profile);
    if (input !== null) this.scoreInput(key, input, nowMs, changes);
  }

  private scoreInput(key: string, input: RfmInput, nowMs: number, changes: SegmentChange[]): void {
    this.index(key, dayIndex(input.lastOrderMs));
    if (this.breakpoints === null) return;
    const before = this.scores.get(key);
    const after = scoreRfm(input, this.breakpoints, nowMs);
    this.scores.set(key, after);
    if (before?.segment === after.segment) return;
    changes.push(
      ...moveChanges(key, RfmModel.segmentId(before), RfmModel.segmentId(after), nowMs, this.versionTag),
    );
  }

  private index(key: string, day: number): void {
    const current = this.lastDayOf.get(key);
    if (current === day) return;
    if (current !== undefined) {
      const bucket = this.byLastDay.get(current);
      bucket?.delete(key);
      if (bucket?.size === 0) this.byLastDay.delete(current);
    }
    let bucket = this.byLastDay.get(day);
    if (bucket === undefined) {
      bucket = new Set();
      this.byLastDay.set(day, bucket);
    }
    bucket.add(key);
    this.lastDayOf.set(key, day);
  }
}
