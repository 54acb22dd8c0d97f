import {
  type ContentConfig,
  type ContentConfigInput,
  contentConfigSchema,
  parseRecsConfig,
} from './config.js';
import { RecsSnapshotError } from './errors.js';
import { fillWithPopular, recentDistinct } from './fill.js';
import type { Interaction } from './interaction.js';
import { assertK, type ItemFilter, type RecModel, type Recommendation } from './model.js';
import { PopularityModel, type PopularitySnapshot } from './popularity.js';
import { TfIdfIndex } from './tfidf.js';
import { ScoreBoard, type ScoreSink } from './top-k.js';

export interface ContentSnapshot {
  version: 1;
  kind: 'content';
  config: ContentConfig;
  /** [item, text] in the order they were added. */
  texts: Array<[string, string]>;
  popularity: PopularitySnapshot;
}

/**
 * Content-based: items are similar when their descriptions are (TF-IDF cosine); a person's score for
 * an item sums its similarity to their recent items (recencyWeight^age). Needs no behaviour at all,
 * so an item is recommendable, and has neighbours, from the moment its description is known: the
 * catalogue given up front, or the first event that names it (`text` of an interaction).
 */
export class ContentModel implements RecModel {
  readonly name = 'content';
  readonly config: ContentConfig;
  private readonly index = new TfIdfIndex();
  private popularity: PopularityModel;
  private readonly board = new ScoreBoard();

  constructor(config: ContentConfigInput = {}, catalog?: ReadonlyMap<string, string>) {
    this.config = parseRecsConfig(contentConfigSchema, config, 'content');
    this.popularity = new PopularityModel(this.config.popularity);
    if (catalog) for (const [item, text] of catalog) this.index.set(item, text);
  }

  get texts(): TfIdfIndex {
    return this.index;
  }

  learn(x: Interaction): void {
    this.popularity.learn(x);
    // The first description wins: a catalogue given up front is not overwritten by event texts.
    if (x.text !== undefined && !this.index.has(x.item)) this.index.set(x.item, x.text);
  }

  recommend(history: readonly string[], k: number, exclude?: ItemFilter): Recommendation[] {
    assertK(k);
    this.board.clear();
    this.scoreHistory(history, this.board, 1);
    const answer = this.board
      .top(k, (doc) => exclude?.has(this.index.idOf(doc)) ?? false)
      .map((r) => ({ item: this.index.idOf(r.item), score: r.score }));
    return fillWithPopular(answer, k, this.popularity, exclude);
  }

  /** Items with a description, then items only interacted with. */
  knownItems(): string[] {
    const items = [...this.index.entries()].map(([item]) => item);
    for (const item of this.popularity.knownItems()) if (!this.index.has(item)) items.push(item);
    return items;
  }

  /** Whether the item has a description or was interacted with. */
  knows(item: string): boolean {
    return this.index.has(item) || this.popularity.knows(item);
  }

  /** Items with the most similar descriptions, best first. */
  similarItems(item: string, k: number): Recommendation[] {
    assertK(k);
    return this.index.neighbours(item, k);
  }

  /**
   * Adds, for the K text neighbours of each recent item (by document), weight(item) × recency ×
   * 1 / (rankConstant + rank) (aggregation `rank`, as item-kNN does, so the two mix in the hybrid)
   * or × cosine (aggregation `similarity`).
   */
  scoreHistory(
    history: readonly string[],
    board: ScoreSink,
    weight: number | ((item: string) => number),
  ): void {
    let recency = 1;
    for (const item of recentDistinct(history, this.config.historyLength)) {
      const doc = this.index.docOf(item);
      const scale = recency * (typeof weight === 'function' ? weight(item) : weight);
      recency *= this.config.recencyWeight;
      if (doc < 0 || scale === 0) continue;
      const { docs, scores } = this.index.neighboursOf(doc, this.config.neighbours);
      if (this.config.aggregation === 'rank') {
        for (let r = 0; r < docs.length; r++) board.add(docs[r]!, scale / (this.config.rankConstant + r));
      } else {
        for (let i = 0; i < docs.length; i++) board.add(docs[i]!, scores[i]! * scale);
      }
    }
  }

  toSnapshot(): ContentSnapshot {
    return {
      version: 1,
      kind: 'content',
      config: this.config,
      texts: [...this.index.entries()],
      popularity: this.popularity.toSnapshot(),
    };
  }

  static fromSnapshot(snapshot: ContentSnapshot): ContentModel {
    if (snapshot?.kind !== 'content' || snapshot.version !== 1 || !Array.isArray(snapshot.texts)) {
      throw new RecsSnapshotError(
        `expected a content snapshot of version 1, got ${String(snapshot?.kind)} v${String(snapshot?.version)}`,
      );
    }
    for (const entry of snapshot.texts) {
      if (!Array.isArray(entry) || typeof entry[0] !== 'string' || typeof entry[1] !== 'string') {
        throw new RecsSnapshotError('content: damaged text entry');
      }
    }
    const model = new ContentModel(snapshot.config, new Map(snapshot.texts));
    model.popularity = PopularityModel.fromSnapshot(snapshot.popularity);
    return model;
  }
}
