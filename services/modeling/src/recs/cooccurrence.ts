import { type BasketSnapshot, BasketTracker } from './baskets.js';
import {
  type CooccurrenceConfig,
  type CooccurrenceConfigInput,
  cooccurrenceConfigSchema,
  parseRecsConfig,
} from './config.js';
import { DecayClock } from './decay.js';
import { RecsSnapshotError } from './errors.js';
import { checkInteraction, type Interaction } from './interaction.js';
import { GrowableFloats, ItemIndex } from './item-index.js';
import { positiveLlr } from './llr.js';
import { NeighbourCache, type NeighbourList } from './neighbour-cache.js';
import { NeighbourLists } from './neighbour-lists.js';
import { PowerCache } from './power-cache.js';
import { Ranker, selectTop } from './top-k.js';

export type SimilarityMeasure = 'cosine' | 'llr';

export interface CooccurrenceSnapshot {
  version: 1;
  kind: 'item-cooccurrence';
  config: CooccurrenceConfig;
  anchorMs: number | null;
  watermarkMs: number | null;
  events: number;
  items: string[];
  norm: number[];
  popularity: number[];
  rowSum: number[];
  total: number;
  /** Per item, its tracked neighbours (by index, ascending) and their stored values. */
  neighbours: number[][];
  values: number[][];
  baskets: BasketSnapshot;
  prunedEntries: number;
}

/** Decayed counts as of one instant, keyed by item id: what a batch recompute is compared with. */
export interface DecayedCounts {
  /** Σ over baskets of w_i² (the squared norm of the item's weighted basket vector). */
  norm: Map<string, number>;
  /** Σ of weight increments (how much the item was interacted with). */
  popularity: Map<string, number>;
  /** Σ_j C_ij over every pair ever counted, tracked or not. */
  rowSum: Map<string, number>;
  total: number;
  /** `${item}\u0000${neighbour}` → C_ij, for the tracked entries. */
  pairs: Map<string, number>;
}

/**
 * Item-to-item co-occurrence counts over baskets, with exponential time decay, learned one
 * interaction at a time: the state behind item-kNN (cosine and LLR).
 *
 * Decay: values are stored relative to an anchor time (see DecayClock), so learning an event changes
 * only the counters of its item and its pairs, and the state equals a batch recompute over the same
 * events (`recomputeCooccurrence`) up to floating-point rounding.
 *
 * Memory: each item tracks at most `maxCandidatesPerItem` neighbours (its strongest decayed
 * co-occurrences: on overflow the weakest fifth is dropped), and all items together at most
 * `maxPairs` (item, neighbour) entries (on overflow the weakest fifth overall is dropped), so the
 * pair state is bounded by min(maxPairs, items × maxCandidatesPerItem) entries of about
 * `bytes_per_pair` bytes each. Per item: three floats and an id; per open basket: up to
 * `maxSessionItems` items. A dropped entry loses its count: while nothing was dropped (the limits
 * were never reached) the state equals the batch recompute; after, it is an approximation that keeps
 * the strongest evidence. Row sums and totals always count every pair.
 */
export class ItemCooccurrence {
  readonly config: CooccurrenceConfig;
  private items: ItemIndex;
  private clock: DecayClock;
  private baskets: BasketTracker;
  private lists: NeighbourLists;
  private norm: GrowableFloats;
  private popularity: GrowableFloats;
  private rowSum: GrowableFloats;
  private total = 0;
  /** N_b^(1−α) per item: a power per neighbour per request was a third of a recommendation's time. */
  private readonly powers = new PowerCache();
  private readonly topCache = new NeighbourCache();
  private readonly ranker = new Ranker();
  private watermark: number | null = null;
  private learned = 0;
  private pruned = 0;
  // Scratch for neighbour scoring, reused between calls.
  private scratchItems = new Int32Array(256);
  private scratchScores = new Float64Array(256);

  constructor(config: CooccurrenceConfigInput = {}) {
    this.config = parseRecsConfig(cooccurrenceConfigSchema, config, 'co-occurrence');
    this.items = new ItemIndex();
    this.clock = new DecayClock(this.config.halfLifeDays);
    this.baskets = new BasketTracker(basketLimits(this.config));
    this.lists = new NeighbourLists();
    this.norm = new GrowableFloats();
    this.popularity = new GrowableFloats();
    this.rowSum = new GrowableFloats();
  }

  get index(): ItemIndex {
    return this.items;
  }

  /** Interactions learned. */
  get events(): number {
    return this.learned;
  }

  /** The newest event time seen, or null. */
  get watermarkMs(): number | null {
    return this.watermark;
  }

  /** Tracked (item, neighbour) entries. */
  get trackedEntries(): number {
    return this.lists.entries;
  }

  /** Entries dropped by the memory bounds so far. */
  get prunedEntries(): number {
    return this.pruned;
  }

  get openSessions(): number {
    return this.baskets.openSessions;
  }

  /**
   * Drops a session's open basket (a deletion request). Pair counts, norms and popularity already
   * learned stay: they are sums over everyone, and name nobody.
   */
  forgetSession(session: string): boolean {
    return this.baskets.forget(session);
  }

  learn(x: Interaction): void {
    checkInteraction(x);
    const config = this.config;
    const weight = config.weights[x.kind];
    const item = this.items.intern(x.item);
    this.lists.ensure(item);
    const newest = this.watermark === null || x.ts > this.watermark ? x.ts : this.watermark;
    const factor = this.clock.advance(newest);
    if (factor !== 1) this.rescale(factor);
    this.watermark = newest;
    this.learned += 1;

    const delta = this.baskets.observe(x.session, x.ts, item, weight);
    if (delta > 0) {
      const scale = this.clock.weight(x.ts);
      const previous = this.baskets.previousWeight;
      this.norm.add(item, (weight * weight - previous * previous) * scale);
      this.powers.invalidate(item);
      this.popularity.add(item, delta * scale);
      const partners = this.baskets.partners;
      const partnerWeights = this.baskets.partnerWeights;
      let rowDelta = 0;
      for (let p = 0; p < partners.length; p++) {
        const other = partners[p]!;
        const value = delta * partnerWeights[p]! * scale;
        this.addEntry(item, other, value);
        this.addEntry(other, item, value);
        this.rowSum.add(other, value);
        rowDelta += value;
      }
      if (rowDelta > 0) {
        this.rowSum.add(item, rowDelta);
        this.total += 2 * rowDelta;
      }
    }
    if (this.learned % config.sweepEvery === 0) this.baskets.sweep(newest);
    if (this.lists.entries > config.maxPairs) this.pruneEverywhere();
  }

  /**
   * The `k` most similar items to `item` by `measure`, best first; [] for an unknown item. Exact for
   * the current state: scored from the counts, or read from scores of the same counts.
   */
  neighbours(
    item: string,
    k: number,
    measure: SimilarityMeasure,
    alpha = 0.5,
  ): Array<{ item: string; score: number }> {
    const idx = this.index.lookup(item);
    if (idx < 0) return [];
    const n = this.topNeighbours(idx, k, measure, alpha);
    const out: Array<{ item: string; score: number }> = [];
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => {
      const d = this.scratchScores[b]! - this.scratchScores[a]!;
      return d !== 0 ? d : this.scratchItems[a]! - this.scratchItems[b]!;
    });
    for (const i of order)
      out.push({ item: this.index.id(this.scratchItems[i]!), score: this.scratchScores[i]! });
    return out;
  }

  /**
   * Scores the tracked neighbours of item index `idx` and keeps the best `k` (unordered) at the start
   * of `neighbourItems` / `neighbourScores`; returns how many. Zero-score neighbours are left out.
   *
   * cosine: C_ab / (N_a^α · N_b^(1−α)), N being the squared norms of the items' weighted basket
   * vectors: α = 0.5 is the cosine, a larger α is the asymmetric cosine (Aiolli 2013), which
   * penalises popular neighbours less, as conditional probability P(b | a) does at α = 1.
   * llr: Dunning's ratio on the 2×2 table of pair counts (k11 = C_ab, row and column sums of the
   * co-occurrence matrix, its total), 0 for pairs that co-occur less than chance.
   */
  topNeighbours(idx: number, k: number, measure: SimilarityMeasure, alpha = 0.5): number {
    const list = this.neighbourList(idx, k, measure, alpha);
    if (list.items !== this.scratchItems) {
      if (this.scratchItems.length < list.n) {
        this.scratchItems = new Int32Array(list.n * 2);
        this.scratchScores = new Float64Array(list.n * 2);
      }
      this.scratchItems.set(list.items.subarray(0, list.n));
      this.scratchScores.set(list.scores.subarray(0, list.n));
    }
    return list.n;
  }

  /**
   * Item `idx`'s top `k` neighbours (unordered, as topNeighbours gives them) without a copy: the
   * cache's own entry, to be read before anything else asks this model for neighbours.
   */
  neighbourList(idx: number, k: number, measure: SimilarityMeasure, alpha = 0.5): NeighbourList {
    // Every change of the counts goes through learn(), so the number learned is their generation.
    const generation = this.learned;
    const cached = this.topCache.get(idx, k, measure, alpha, generation);
    if (cached !== undefined) return cached;
    const n = this.scoreNeighbours(idx, k, measure, alpha);
    const written = this.topCache.write(
      idx,
      k,
      measure,
      alpha,
      generation,
      this.scratchItems,
      this.scratchScores,
      n,
    );
    return written ?? { n, items: this.scratchItems, scores: this.scratchScores, ranks: null };
  }

  /**
   * The ranks of a list's entries (0 = best; ties by the smaller item), kept in the list while the
   * counts are unchanged: ranking is a sort, and a person's answer ranks the lists of up to
   * historyLength items.
   */
  ranksOf(list: NeighbourList): Int32Array {
    if (list.ranks === null) list.ranks = this.ranker.rank(list.items, list.scores, list.n).slice(0, list.n);
    return list.ranks;
  }

  private scoreNeighbours(idx: number, k: number, measure: SimilarityMeasure, alpha: number): number {
    const ids = this.lists.idsOf(idx);
    const values = this.lists.valuesOf(idx);
    const count = ids.length;
    if (count === 0) return 0;
    if (this.scratchItems.length < count) {
      this.scratchItems = new Int32Array(count * 2);
      this.scratchScores = new Float64Array(count * 2);
    }
    const items = this.scratchItems;
    const scores = this.scratchScores;
    let n = 0;
    if (measure === 'cosine') {
      const normA = this.norm.at(idx) ** alpha;
      const exponent = 1 - alpha;
      for (let i = 0; i < count; i++) {
        const other = ids[i]!;
        if (other < 0) continue;
        const score = values[i]! / (normA * this.powers.get(other, this.norm.at(other), exponent));
        if (score > 0) {
          items[n] = other;
          scores[n++] = score;
        }
      }
    } else {
      const rowA = this.rowSum.at(idx);
      const total = this.total;
      for (let i = 0; i < count; i++) {
        const other = ids[i]!;
        if (other < 0) continue;
        const k11 = values[i]!;
        const rowB = this.rowSum.at(other);
        const score = positiveLlr(
          k11,
          Math.max(0, rowA - k11),
          Math.max(0, rowB - k11),
          Math.max(0, total - rowA - rowB + k11),
        );
        if (score > 0) {
          items[n] = other;
          scores[n++] = score;
        }
      }
    }
    return selectTop(items, scores, n, k);
  }

  get neighbourItems(): Int32Array {
    return this.scratchItems;
  }

  get neighbourScores(): Float64Array {
    return this.scratchScores;
  }

  /** An item's decayed weight of pair evidence (Σ_j C_ij) as of the newest event: 0 when unknown. */
  evidence(idx: number): number {
    if (idx < 0 || this.watermark === null) return 0;
    return this.rowSum.at(idx) * this.clock.readFactor(this.watermark);
  }

  /** Every counter decayed to `atMs`. For comparisons with a batch recompute and for inspection. */
  decayedCounts(atMs: number): DecayedCounts {
    const f = this.clock.readFactor(atMs);
    const norm = new Map<string, number>();
    const popularity = new Map<string, number>();
    const rowSum = new Map<string, number>();
    const pairs = new Map<string, number>();
    for (let i = 0; i < this.index.size; i++) {
      const id = this.index.id(i);
      norm.set(id, this.norm.at(i) * f);
      popularity.set(id, this.popularity.at(i) * f);
      rowSum.set(id, this.rowSum.at(i) * f);
      for (const [other, value] of this.lists.entriesOf(i))
        pairs.set(`${id}\u0000${this.index.id(other)}`, value * f);
    }
    return { norm, popularity, rowSum, total: this.total * f, pairs };
  }

  /** Approximate bytes of the pair state (index slots and neighbour lists). */
  get pairBytes(): number {
    return this.lists.bytes;
  }

  toSnapshot(): CooccurrenceSnapshot {
    const neighbours: number[][] = [];
    const values: number[][] = [];
    for (let i = 0; i < this.index.size; i++) {
      const entries = this.lists.entriesOf(i);
      neighbours.push(entries.map(([other]) => other));
      values.push(entries.map(([, value]) => value));
    }
    return {
      version: 1,
      kind: 'item-cooccurrence',
      config: this.config,
      anchorMs: this.clock.anchorMs,
      watermarkMs: this.watermark,
      events: this.learned,
      items: this.index.toArray(),
      norm: this.norm.toArray(),
      popularity: this.popularity.toArray(),
      rowSum: this.rowSum.toArray(),
      total: this.total,
      neighbours,
      values,
      baskets: this.baskets.toSnapshot(),
      prunedEntries: this.pruned,
    };
  }

  static fromSnapshot(snapshot: CooccurrenceSnapshot): ItemCooccurrence {
    if (snapshot?.kind !== 'item-cooccurrence' || snapshot.version !== 1) {
      throw new RecsSnapshotError(
        `expected an item-cooccurrence snapshot of version 1, got ${String(snapshot?.kind)} v${String(snapshot?.version)}`,
      );
    }
    const restored = new ItemCooccurrence(snapshot.config);
    const n = Array.isArray(snapshot.items) ? snapshot.items.length : -1;
    const lists = [snapshot.norm, snapshot.popularity, snapshot.rowSum, snapshot.neighbours, snapshot.values];
    if (n < 0 || lists.some((list) => !Array.isArray(list) || list.length > n)) {
      throw new RecsSnapshotError('item-cooccurrence: items and per-item lists do not match');
    }
    const numbers = [snapshot.norm, snapshot.popularity, snapshot.rowSum].flat();
    if (!numbers.every(Number.isFinite) || !Number.isFinite(snapshot.total)) {
      throw new RecsSnapshotError('item-cooccurrence: counters must be finite numbers');
    }
    restored.items = ItemIndex.from(snapshot.items);
    if (restored.items.size !== n) throw new RecsSnapshotError('item-cooccurrence: duplicate item ids');
    restored.clock = new DecayClock(restored.config.halfLifeDays, snapshot.anchorMs);
    restored.baskets = BasketTracker.fromSnapshot(basketLimits(restored.config), snapshot.baskets, n);
    restored.norm = new GrowableFloats(snapshot.norm);
    restored.popularity = new GrowableFloats(snapshot.popularity);
    restored.rowSum = new GrowableFloats(snapshot.rowSum);
    restored.total = snapshot.total;
    restored.watermark = snapshot.watermarkMs;
    restored.learned = snapshot.events;
    restored.pruned = snapshot.prunedEntries ?? 0;
    restored.lists.ensure(n - 1);
    for (let i = 0; i < n; i++) {
      const list = snapshot.neighbours[i] ?? [];
      const values = snapshot.values[i] ?? [];
      if (list.length !== values.length) throw new RecsSnapshotError(`item-cooccurrence: item ${i} damaged`);
      for (let j = 0; j < list.length; j++) {
        const other = list[j]!;
        const value = values[j]!;
        if (!Number.isInteger(other) || other < 0 || other >= n || !Number.isFinite(value)) {
          throw new RecsSnapshotError(`item-cooccurrence: neighbour ${j} of item ${i} damaged`);
        }
        if (restored.lists.add(i, other, value) !== j + 1) {
          throw new RecsSnapshotError(`item-cooccurrence: item ${i} lists neighbour ${other} twice`);
        }
      }
    }
    return restored;
  }

  private addEntry(item: number, other: number, value: number): void {
    const max = this.config.maxCandidatesPerItem;
    if (this.lists.add(item, other, value) > max) {
      this.pruned += this.lists.keepStrongest(item, max - Math.floor(max / 5));
    }
  }

  /** Drops the weakest fifth of all entries: those below the 20th percentile of stored values. */
  private pruneEverywhere(): void {
    const values = this.lists.allValues();
    const threshold = nthSmallest(values, Math.floor(values.length / 5));
    let below = 0;
    for (const value of values) if (value < threshold) below += 1;
    // Many values equal to the threshold: drop the ties too, or too little would go.
    this.pruned +=
      below >= values.length / 10
        ? this.lists.filter((v) => v >= threshold)
        : this.lists.filter((v) => v > threshold);
  }

  private rescale(factor: number): void {
    this.powers.invalidateAll();
    this.lists.scale(factor);
    this.norm.scale(factor);
    this.popularity.scale(factor);
    this.rowSum.scale(factor);
    this.total *= factor;
  }
}

export function basketLimits(config: CooccurrenceConfig) {
  return {
    window: config.window,
    proximityWeight: config.proximityWeight,
    sessionGapMs: config.sessionGapMinutes === null ? null : config.sessionGapMinutes * 60_000,
    maxSessionItems: config.maxSessionItems,
    maxOpenSessions: config.maxOpenSessions,
  };
}

/** The value of rank `k` (0-based) in increasing order; reorders `values`. */
function nthSmallest(values: Float64Array, k: number): number {
  let lo = 0;
  let hi = values.length - 1;
  while (lo < hi) {
    const pivot = values[(lo + hi) >>> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (values[i]! < pivot) i++;
      while (values[j]! > pivot) j--;
      if (i <= j) {
        const t = values[i]!;
        values[i] = values[j]!;
        values[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break;
  }
  return values[k]!;
}
