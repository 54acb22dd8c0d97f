import type { StoredEvent } from '@pulse/events';
import { activityFromStoredEvent } from './activity.js';
import type { SegmentChange, SequencedChange } from './changes.js';
import { SegmentEngine, type SegmentEngineOptions, type SegmentEngineSnapshot } from './segment-engine.js';

export interface SegmentsModelSnapshot {
  engine: SegmentEngineSnapshot;
  /** Changes produced but not yet acknowledged by the publisher: they travel with the checkpoint. */
  pending: SequencedChange[];
  /** The seq of the newest change produced. */
  seq: number;
  skipped: number;
  invalid: Record<string, number>;
}

/**
 * The segment engine in the shape of the modeling worker's incremental models (name, apply a stored
 * event, snapshot, restore). Each change gets the next `seq`; changes accumulate in `pending` until
 * the publisher acknowledges them, and are part of the snapshot, so a checkpoint never loses a change
 * that was produced but not yet published, and a restored one is recognised by its seq.
 */
export class SegmentsModel {
  readonly name = 'segments';
  private engine: SegmentEngine;
  private pending: SequencedChange[] = [];
  private seq = 0;
  private snapshotSeq = 0;
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
    this.add(this.engine.apply(result.activity));
  }

  /**
   * Forgets one customer (a deletion request), with their changes not yet published: the seqs
   * they held are skipped, which the publisher and the trigger allow (seq only has to increase).
   */
  forget(key: string): boolean {
    const had = this.engine.forget(key);
    const before = this.pending.length;
    this.pending = this.pending.filter((c) => c.userKey !== key);
    return had || this.pending.length < before;
  }

  /** Time passing without events (window expiries, recency, scheduled refreshes). */
  advanceTo(nowMs: number): number {
    return this.add(this.engine.advanceTo(nowMs));
  }

  /** Recomputes RFM quintiles and refits clusters now (a schedule or an operator). */
  refresh(nowMs: number): number {
    return this.add(this.engine.refresh(nowMs));
  }

  /** Installs a newly trained prediction model; traits and trait segments follow. */
  setPredictionModel(model: Parameters<SegmentEngine['setPredictionModel']>[0], nowMs: number): number {
    return this.add(this.engine.setPredictionModel(model, nowMs));
  }

  /** The seq of the newest change produced (0 before any). */
  get lastSeq(): number {
    return this.seq;
  }

  /**
   * The seq of the newest change in the last snapshot (or the restored one): changes up to it are
   * durable once that snapshot is, and only those may be published.
   */
  get lastSnapshotSeq(): number {
    return this.snapshotSeq;
  }

  /** Changes not yet acknowledged, oldest first. */
  get pendingChanges(): readonly SequencedChange[] {
    return this.pending;
  }

  /** Forgets the pending changes up to `seq` (published). */
  acknowledge(seq: number): void {
    let n = 0;
    while (n < this.pending.length && this.pending[n]!.seq <= seq) n++;
    if (n > 0) this.pending = this.pending.slice(n);
  }

  /** The changes produced since the last call, oldest first, acknowledged at once. */
  takeChanges(): SequencedChange[] {
    const taken = this.pending;
    this.pending = [];
    return taken;
  }

  private add(changes: readonly SegmentChange[]): number {
    for (const change of changes) this.pending.push({ ...change, seq: ++this.seq });
    return changes.length;
  }

  snapshot(): SegmentsModelSnapshot {
    this.snapshotSeq = this.seq;
    return {
      engine: this.engine.snapshot(),
      pending: [...this.pending],
      seq: this.seq,
      skipped: this.skippedEvents,
      invalid: { ...this.invalid },
    };
  }

  restore(snapshot: unknown): void {
    const saved = snapshot as SegmentsModelSnapshot;
    this.engine = SegmentEngine.restore(saved.engine, this.options);
    this.pending = [...saved.pending];
    this.seq = saved.seq;
    this.snapshotSeq = saved.seq;
    this.skippedEvents = saved.skipped;
    this.invalid = { ...saved.invalid };
  }
}
