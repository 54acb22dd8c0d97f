import {
  type ItemKnnConfig,
  type ItemKnnConfigInput,
  itemKnnConfigSchema,
  parseRecsConfig,
} from './config.js';
import { type CooccurrenceSnapshot, ItemCooccurrence, type SimilarityMeasure } from './cooccurrence.js';
import { RecsSnapshotError } from './errors.js';
import { fillWithPopular, recentDistinct } from './fill.js';
import type { Interaction } from './interaction.js';
import { assertK, type ItemFilter, type RecModel, type Recommendation } from './model.js';
import { PopularityModel, type PopularitySnapshot } from './popularity.js';
import { ScoreBoard, type ScoreSink } from './top-k.js';

export interface ItemKnnSnapshot {
  version: 1;
  kind: 'item-knn';
  config: ItemKnnConfig;
  cooccurrence: CooccurrenceSnapshot;
  popularity: PopularitySnapshot;
}

/**
 * Item-to-item collaborative filtering (item-kNN). Each of the person's recent distinct items h
 * (weight recencyWeight^age, the most recent first) votes for its K most similar items c:
 * - aggregation `rank` (default): with recency / (rankConstant + rank of c among h's neighbours),
 *   reciprocal rank fusion (Cormack et al. 2009): scale-free, so cosine and LLR lists mix alike;
 * - aggregation `similarity`: with recency × sim(h, c) (LLR divided by h's best).
 * The candidates with the most votes win; popularity fills a short answer.
 */
export class ItemKnnModel implements RecModel {
  readonly name: string;
  readonly config: ItemKnnConfig;
  private cooc: ItemCooccurrence;
  private popularity: PopularityModel;
  private readonly board = new ScoreBoard();

  constructor(config: ItemKnnConfigInput = {}) {
    this.config = parseRecsConfig(itemKnnConfigSchema, config, 'item-kNN');
    this.name = `item-${this.config.measure}`;
    this.cooc = new ItemCooccurrence(this.config.cooccurrence);
    this.popularity = new PopularityModel(this.config.popularity);
  }

  get cooccurrence(): ItemCooccurrence {
    return this.cooc;
  }

  /** The decayed popularity it falls back on. */
  get popularityModel(): PopularityModel {
    return this.popularity;
  }

  get measure(): SimilarityMeasure {
    return this.config.measure;
  }

  learn(x: Interaction): void {
    this.cooc.learn(x);
    this.popularity.learn(x);
  }

  forgetSession(session: string): boolean {
    return this.cooc.forgetSession(session);
  }

  recommend(history: readonly string[], k: number, exclude?: ItemFilter): Recommendation[] {
    assertK(k);
    const board = this.board;
    board.clear();
    this.scoreHistory(history, board, 1);
    const index = this.cooc.index;
    const answer = board
      .top(k, (idx) => exclude?.has(index.id(idx)) ?? false)
      .map((r) => ({ item: index.id(r.item), score: r.score }));
    return fillWithPopular(answer, k, this.popularity, exclude);
  }

  /** Every item learned, in first-seen order. */
  knownItems(): string[] {
    return this.cooc.index.toArray();
  }

  /** Whether any interaction with `item` was learned. */
  knows(item: string): boolean {
    return this.cooc.index.lookup(item) >= 0;
  }

  /** The K most similar items to `item`, best first ([] for an item without co-occurrences). */
  similarItems(item: string, k: number): Recommendation[] {
    assertK(k);
    return this.cooc.neighbours(item, k, this.config.measure, this.config.alpha);
  }

  /**
   * Adds `weight` × recency × similarity for the K neighbours of each recent history item to
   * `board` (indexed by this model's item indices). Shared with the hybrid model.
   */
  scoreHistory(
    history: readonly string[],
    board: ScoreSink,
    weight: number | ((idx: number) => number),
  ): void {
    const { historyLength, recencyWeight, neighbours, measure, alpha, aggregation, rankConstant } =
      this.config;
    let recency = 1;
    for (const item of recentDistinct(history, historyLength)) {
      const idx = this.cooc.index.lookup(item);
      const scale = recency * (idx < 0 ? 0 : typeof weight === 'function' ? weight(idx) : weight);
      recency *= recencyWeight;
      if (scale === 0) continue;
      // The cache's own list, read before anything else asks the co-occurrences for neighbours.
      const list = this.cooc.neighbourList(idx, neighbours, measure, alpha);
      const { n, items, scores } = list;
      if (n === 0) continue;
      if (aggregation === 'rank') {
        const ranks = this.cooc.ranksOf(list);
        for (let i = 0; i < n; i++) board.add(items[i]!, scale / (rankConstant + ranks[i]!));
        continue;
      }
      let unit = scale;
      if (measure === 'llr') {
        // LLR grows with the counts: divided by h's best, each history item weighs alike.
        let best = 0;
        for (let i = 0; i < n; i++) best = Math.max(best, scores[i]!);
        unit /= best;
      }
      for (let i = 0; i < n; i++) board.add(items[i]!, scores[i]! * unit);
    }
  }

  toSnapshot(): ItemKnnSnapshot {
    return {
      version: 1,
      kind: 'item-knn',
      config: this.config,
      cooccurrence: this.cooc.toSnapshot(),
      popularity: this.popularity.toSnapshot(),
    };
  }

  static fromSnapshot(snapshot: ItemKnnSnapshot): ItemKnnModel {
    if (snapshot?.kind !== 'item-knn' || snapshot.version !== 1) {
      throw new RecsSnapshotError(
        `expected an item-knn snapshot of version 1, got ${String(snapshot?.kind)} v${String(snapshot?.version)}`,
      );
    }
    const model = new ItemKnnModel(snapshot.config);
    model.cooc = ItemCooccurrence.fromSnapshot(snapshot.cooccurrence);
    model.popularity = PopularityModel.fromSnapshot(snapshot.popularity);
    return model;
  }
}
