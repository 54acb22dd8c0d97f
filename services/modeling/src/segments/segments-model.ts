import type { StoredEvent } from '@pulse/events';
import { activityFromStoredEvent } from './activity.js';
import type { SegmentChange } from './changes.js';
import { SegmentEngine, type SegmentEngineOptions, type SegmentEngineSnapshot } from './segment-engine.js';

export interface SegmentsModelSnapshot {
  engine: SegmentEngineSnapshot;
  /** Changes produced but not yet taken by the publisher: they travel with the checkpoint. */
  pending: SegmentChange[];
  skipped: number;
  invalid: Record<string, number>;
}

/**
 * The segment engine in the shape of the modeling worker's incremental models (name, apply a stored
 * event, snapshot, restore). Changes accumulate in `pending` until the publisher takes them, and are
 * part of the snapshot, so a checkpoint never loses a change that was produced but not yet published.
 */
export class SegmentsModel {
  readonly name = 'segments';
  private engine: SegmentEngine;
  private pending: SegmentChange[] = [];
  private skippedEvents = 0;
  private invalid: Record<string, number> = {};

  constructor(private readonly options: SegmentEngineOptions = {}) {
    this.engine = new SegmentEngine(options);
  }

  get segments(): SegmentEngine {
    return this.engine;
  }

  /** Events segments do not read (identify, page, ...) and track events they could not read, by reason. */
  get counts(): { skipped: number; invalid: Readonly<Record<string, number>> } {
    return { skipped: this.skippedEvents, invalid: this.invalid };
  }

  apply(event: StoredEvent): void {
    const result = activityFromStoredEvent(event);
    if (result.kind === 'skip') {
      this.skippedEvents += 1;
      return;
    }
    if (result.kind === 'invalid') {
      this.invalid[result.reason] = (this.invalid[result.reason] ?? 0) + 1;
      return;
    }
    this.pending.push(...this.engine.apply(result.activity));
  }

  /** Time passing without events (window expiries, recency, scheduled refreshes). */
  advanceTo(nowMs: number): void {
    this.pending.push(...this.engine.advanceTo(nowMs));
  }

  /** The changes produced since the last call, oldest first. */
  takeChanges(): SegmentChange[] {
    const taken = this.pending;
    this.pending = [];
    return taken;
  }

  snapshot(): SegmentsModelSnapshot {
    return {
      engine: this.engine.snapshot(),
      pending: [...this.pending],
      skipped: this.skippedEvents,
      invalid: { ...this.invalid },
    };
  }

  restore(snapshot: unknown): void {
    const saved = snapshot as SegmentsModelSnapshot;
    this.engine = SegmentEngine.restore(saved.engine, this.options);
    this.pending = [...saved.pending];
    this.skippedEvents = saved.skipped;
    this.invalid = { ...saved.invalid };
  }
}
