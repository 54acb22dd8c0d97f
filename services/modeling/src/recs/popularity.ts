import {
  type PopularityConfig,
  type PopularityConfigInput,
  parseRecsConfig,
  popularityConfigSchema,
} from './config.js';
import { DecayClock } from './decay.js';
import { RecsSnapshotError } from './errors.js';
import { checkInteraction, type Interaction } from './interaction.js';
import { GrowableFloats, ItemIndex } from './item-index.js';
import { assertK, type ItemFilter, type RecModel, type Recommendation } from './model.js';

export interface PopularitySnapshot {
  version: 1;
  kind: 'popularity';
  config: PopularityConfig;
  anchorMs: number | null;
  watermarkMs: number | null;
  items: string[];
  values: number[];
  ranked: number[];
}

/**
 * Decayed popularity: Σ weight · exp(−age/τ) per item, the same for everyone. The baseline of the
 * evaluation and the fallback of every other model (new people, unknown items, short answers).
 *
 * The best `rankedItems` are kept in order as events arrive. That order is exact: values only grow
 * (decay scales all of them alike, so it never reorders), and an item can only overtake the last of
 * the list by growing itself, which is when it is checked.
 */
export class PopularityModel implements RecModel {
  readonly name = 'popularity';
  readonly config: PopularityConfig;
  private index = new ItemIndex();
  private values = new GrowableFloats();
  private clock: DecayClock;
  private watermark: number | null = null;
  private ranked: number[] = [];
  /** Position of each item in `ranked`, -1 when not ranked. */
  private position: number[] = [];

  constructor(config: PopularityConfigInput = {}) {
    this.config = parseRecsConfig(popularityConfigSchema, config, 'popularity');
    this.clock = new DecayClock(this.config.halfLifeDays);
  }

  get items(): number {
    return this.index.size;
  }

  learn(x: Interaction): void {
    checkInteraction(x);
    const idx = this.index.intern(x.item);
    if (idx === this.position.length) this.position.push(-1);
    const newest = this.watermark === null || x.ts > this.watermark ? x.ts : this.watermark;
    const factor = this.clock.advance(newest);
    if (factor !== 1) this.values.scale(factor);
    this.watermark = newest;
    this.values.add(idx, this.config.weights[x.kind] * this.clock.weight(x.ts));
    this.rerank(idx);
  }

  recommend(_history: readonly string[], k: number, exclude?: ItemFilter): Recommendation[] {
    assertK(k);
    const out: Recommendation[] = [];
    const factor = this.watermark === null ? 1 : this.clock.readFactor(this.watermark);
    for (const idx of this.ranked) {
      const item = this.index.id(idx);
      if (exclude?.has(item)) continue;
      out.push({ item, score: this.values.at(idx) * factor });
      if (out.length === k) return out;
    }
    if (this.ranked.length === this.index.size) return out;
    // More excluded than ranked: a full sort, rare (someone who has seen most of the top items).
    const chosen = new Set(out.map((r) => r.item));
    const all = Array.from({ length: this.index.size }, (_, i) => i).sort(
      (a, b) => this.values.at(b) - this.values.at(a) || a - b,
    );
    for (const idx of all) {
      const item = this.index.id(idx);
      if (chosen.has(item) || exclude?.has(item)) continue;
      out.push({ item, score: this.values.at(idx) * factor });
      if (out.length === k) break;
    }
    return out;
  }

  /** Every item learned, in first-seen order. */
  knownItems(): string[] {
    return this.index.toArray();
  }

  knows(item: string): boolean {
    return this.index.lookup(item) >= 0;
  }

  /** The item's decayed popularity as of the newest event; 0 when unknown. */
  valueOf(item: string): number {
    const idx = this.index.lookup(item);
    if (idx < 0 || this.watermark === null) return 0;
    return this.values.at(idx) * this.clock.readFactor(this.watermark);
  }

  toSnapshot(): PopularitySnapshot {
    return {
      version: 1,
      kind: 'popularity',
      config: this.config,
      anchorMs: this.clock.anchorMs,
      watermarkMs: this.watermark,
      items: this.index.toArray(),
      values: this.values.toArray(),
      ranked: this.ranked.slice(),
    };
  }

  static fromSnapshot(snapshot: PopularitySnapshot): PopularityModel {
    if (snapshot?.kind !== 'popularity' || snapshot.version !== 1) {
      throw new RecsSnapshotError(
        `expected a popularity snapshot of version 1, got ${String(snapshot?.kind)} v${String(snapshot?.version)}`,
      );
    }
    const model = new PopularityModel(snapshot.config);
    const n = Array.isArray(snapshot.items) ? snapshot.items.length : -1;
    if (
      n < 0 ||
      !Array.isArray(snapshot.values) ||
      snapshot.values.length > n ||
      !snapshot.values.every(Number.isFinite) ||
      !Array.isArray(snapshot.ranked) ||
      !snapshot.ranked.every((i) => Number.isInteger(i) && i >= 0 && i < n)
    ) {
      throw new RecsSnapshotError('popularity: damaged items, values or ranking');
    }
    model.index = ItemIndex.from(snapshot.items);
    if (model.index.size !== n) throw new RecsSnapshotError('popularity: duplicate item ids');
    model.values = new GrowableFloats(snapshot.values);
    model.clock = new DecayClock(model.config.halfLifeDays, snapshot.anchorMs);
    model.watermark = snapshot.watermarkMs;
    model.ranked = snapshot.ranked.slice();
    model.position = new Array<number>(n).fill(-1);
    model.ranked.forEach((idx, pos) => {
      model.position[idx] = pos;
    });
    return model;
  }

  private rerank(idx: number): void {
    const ranked = this.ranked;
    const value = this.values.at(idx);
    let pos = this.position[idx]!;
    if (pos < 0) {
      if (ranked.length < this.config.rankedItems) {
        ranked.push(idx);
        pos = ranked.length - 1;
      } else {
        const last = ranked.length - 1;
        if (!(value > this.values.at(ranked[last]!))) return;
        this.position[ranked[last]!] = -1;
        ranked[last] = idx;
        pos = last;
      }
    }
    // Strictly greater: on a tie the item ranked first stays first.
    while (pos > 0 && value > this.values.at(ranked[pos - 1]!)) {
      const above = ranked[pos - 1]!;
      ranked[pos] = above;
      this.position[above] = pos;
      pos -= 1;
    }
    ranked[pos] = idx;
    this.position[idx] = pos;
  }
}
