import type { SimilarityMeasure } from './cooccurrence.js';

/** An item's top neighbours (unordered) as the cache keeps them: read-only for everyone else. */
export interface NeighbourList {
  readonly n: number;
  readonly items: Int32Array;
  readonly scores: Float64Array;
  /** The first n entries' ranks (0 = best), once someone computed them for this state; null before. */
  ranks: Int32Array | null;
}

interface Entry extends NeighbourList {
  generation: number;
  measure: SimilarityMeasure;
  alpha: number;
  n: number;
  items: Int32Array;
  scores: Float64Array;
}

/**
 * Each item's top neighbours as last scored, valid while the counts they were scored from are
 * unchanged: the owner passes a generation that moves with every change of its counts, so a read
 * gives exactly what scoring afresh would. Scoring an item's whole candidate list is a third of a
 * personal recommendation; the same items come up again and again between two learned batches
 * (the API answers between Kafka batches), so most answers read instead of score.
 *
 * Keyed by item and k, as the API asks an item's neighbours with the request's k and a person's
 * history items with the model's: one entry per item would be overwritten back and forth.
 * Bounded: at `maxEntries` entries every entry is dropped at once, which costs a rescoring of the
 * items still asked for and never more memory than maxEntries × k.
 */
/** Larger k are not cached (the API asks at most 100). */
const MAX_K = 4096;

export class NeighbourCache {
  private entries = new Map<number, Entry>();

  constructor(private readonly maxEntries = 65_536) {}

  /** Item `idx`'s cached top `k` itself (not a copy), or undefined when stale or absent. */
  get(
    idx: number,
    k: number,
    measure: SimilarityMeasure,
    alpha: number,
    generation: number,
  ): NeighbourList | undefined {
    if (k >= MAX_K) return undefined;
    const e = this.entries.get(idx * MAX_K + k);
    if (e === undefined || e.generation !== generation || e.measure !== measure || e.alpha !== alpha) {
      return undefined;
    }
    return e;
  }

  /**
   * Keeps the first `n` of `items`/`scores` as item `idx`'s top `k` at `generation` and returns the
   * entry; undefined for a k too large to cache.
   */
  write(
    idx: number,
    k: number,
    measure: SimilarityMeasure,
    alpha: number,
    generation: number,
    items: Int32Array,
    scores: Float64Array,
    n: number,
  ): NeighbourList | undefined {
    if (k >= MAX_K) return undefined;
    const key = idx * MAX_K + k;
    let e = this.entries.get(key);
    if (e === undefined) {
      if (this.entries.size >= this.maxEntries) this.entries.clear();
      e = {
        generation,
        measure,
        alpha,
        n: 0,
        items: new Int32Array(n),
        scores: new Float64Array(n),
        ranks: null,
      };
      this.entries.set(key, e);
    } else if (e.items.length < n) {
      // Stale entries are rewritten in place: between batches the cache makes no garbage.
      e.items = new Int32Array(n);
      e.scores = new Float64Array(n);
    }
    e.generation = generation;
    e.measure = measure;
    e.alpha = alpha;
    e.n = n;
    e.items.set(items.subarray(0, n));
    e.scores.set(scores.subarray(0, n));
    e.ranks = null;
    return e;
  }

  get size(): number {
    return this.entries.size;
  }
}
