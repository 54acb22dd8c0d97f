import { BlendBoard } from './blend-board.js';
import { type HybridConfig, type HybridConfigInput, hybridConfigSchema, parseRecsConfig } from './config.js';
import { ContentModel, type ContentSnapshot } from './content-model.js';
import { RecsSnapshotError } from './errors.js';
import { fillWithPopular } from './fill.js';
import type { Interaction } from './interaction.js';
import type { ItemIndex } from './item-index.js';
import { ItemKnnModel, type ItemKnnSnapshot } from './item-knn-model.js';
import { assertK, type ItemFilter, type RecModel, type Recommendation } from './model.js';
import type { ScoreSink } from './top-k.js';

export interface HybridSnapshot {
  version: 1;
  kind: 'hybrid';
  config: HybridConfig;
  knn: ItemKnnSnapshot;
  content: ContentSnapshot;
}

/**
 * Collaborative and content neighbours blended per history item h: each side votes for h's
 * neighbours as it does alone (by rank, 1 / (rankConstant + rank), by default, so that the two are on
 * one scale), the collaborative votes weighted a_h and the content votes 1 − a_h, with
 * a_h = e_h / (e_h + evidence), e_h being h's decayed co-occurrence evidence. An item nobody has interacted with yet (a_h = 0) takes its neighbours from its
 * description alone (cold start); a well-known item mostly from behaviour. Candidates are the union
 * of both neighbour lists, so a new item can also be recommended before anyone has interacted with it.
 */
export class HybridModel implements RecModel {
  readonly name = 'hybrid';
  readonly config: HybridConfig;
  private knn: ItemKnnModel;
  private content: ContentModel;
  private readonly board = new BlendBoard();
  /** The content side votes by document: its votes go to the document's slot. */
  private readonly contentVotes: ScoreSink = {
    add: (doc, score) => this.board.content.add(this.slotOfDocument(doc), score),
  };
  /** Per document: collaborative index + 1, −1 for none, 0 not looked up yet (see slotOfDocument). */
  private readonly docIndex: { texts: number; index: ItemIndex | null; items: number; values: Int32Array } = {
    texts: -1,
    index: null,
    items: -1,
    values: new Int32Array(0),
  };

  constructor(config: HybridConfigInput = {}, catalog?: ReadonlyMap<string, string>) {
    this.config = parseRecsConfig(hybridConfigSchema, config, 'hybrid');
    this.knn = new ItemKnnModel(this.config.knn);
    this.content = new ContentModel(this.config.content, catalog);
  }

  learn(x: Interaction): void {
    this.knn.learn(x);
    this.content.learn(x);
  }

  /** The content side keeps item texts only; the collaborative side has open baskets. */
  forgetSession(session: string): boolean {
    return this.knn.forgetSession(session);
  }

  /** The weight of the collaborative side for item `item` (0 for an item without co-occurrences). */
  collaborativeShare(item: string): number {
    const cooc = this.knn.cooccurrence;
    const evidence = cooc.evidence(cooc.index.lookup(item));
    return evidence / (evidence + this.config.evidence);
  }

  recommend(history: readonly string[], k: number, exclude?: ItemFilter): Recommendation[] {
    assertK(k);
    const shares = new Map<string, number>();
    const share = (item: string): number => {
      let s = shares.get(item);
      if (s === undefined) {
        s = this.collaborativeShare(item);
        shares.set(item, s);
      }
      return s;
    };
    const board = this.board;
    board.clear();
    this.refreshDocumentSlots();
    const cooc = this.knn.cooccurrence;
    // Slots: an item's collaborative index, or past those its document number when it has none, so
    // that an item both sides propose is one candidate.
    this.knn.scoreHistory(history, board.collaborative, (idx) => share(cooc.index.id(idx)));
    this.content.scoreHistory(history, this.contentVotes, (item) => 1 - share(item));
    const answer = board
      .top(k, (slot) => exclude?.has(this.idOfSlot(slot)) ?? false)
      .map((r) => ({ item: this.idOfSlot(r.slot), score: r.score }));
    return fillWithPopular(answer, k, this.knn.popularityModel, exclude);
  }

  private idOfSlot(slot: number): string {
    const index = this.knn.cooccurrence.index;
    return slot < index.size ? index.id(slot) : this.content.texts.idOf(slot - index.size);
  }

  /** Forgets the documents' collaborative indices when the texts or the collaborative items changed. */
  private refreshDocumentSlots(): void {
    const texts = this.content.texts;
    const index = this.knn.cooccurrence.index;
    const cache = this.docIndex;
    if (cache.texts !== texts.version || cache.index !== index || cache.items !== index.size) {
      cache.texts = texts.version;
      cache.index = index;
      cache.items = index.size;
      if (cache.values.length < texts.size) cache.values = new Int32Array(texts.size * 2);
      else cache.values.fill(0);
    }
  }

  /**
   * The slot of document `doc`: its item's collaborative index, or past every index when the item
   * has none, remembered until refreshDocumentSlots forgets it: looking ids up by string was a fifth
   * of an answer's time.
   */
  private slotOfDocument(doc: number): number {
    const cache = this.docIndex;
    const index = this.knn.cooccurrence.index;
    let v = cache.values[doc]!;
    if (v === 0) {
      const idx = index.lookup(this.content.texts.idOf(doc));
      v = idx >= 0 ? idx + 1 : -1;
      cache.values[doc] = v;
    }
    return v > 0 ? v - 1 : index.size + doc;
  }

  /** The content side alone: neighbours by description, and the descriptions. */
  get contentModel(): ContentModel {
    return this.content;
  }

  /** Every item with behaviour or a description. */
  knownItems(): string[] {
    return this.content.knownItems();
  }

  /** Whether the item was interacted with or has a description. */
  knows(item: string): boolean {
    return this.knn.knows(item) || this.content.knows(item);
  }

  /**
   * Neighbours of one item by the blended similarity, best first: what the similar-items API serves.
   * [] for an item with neither behaviour nor description (the caller decides on a fallback).
   */
  similarItems(item: string, k: number): Recommendation[] {
    return this.recommend([item], k, { has: (other) => other === item }).filter((r) => r.score > 0);
  }

  toSnapshot(): HybridSnapshot {
    return {
      version: 1,
      kind: 'hybrid',
      config: this.config,
      knn: this.knn.toSnapshot(),
      content: this.content.toSnapshot(),
    };
  }

  static fromSnapshot(snapshot: HybridSnapshot): HybridModel {
    if (snapshot?.kind !== 'hybrid' || snapshot.version !== 1) {
      throw new RecsSnapshotError(
        `expected a hybrid snapshot of version 1, got ${String(snapshot?.kind)} v${String(snapshot?.version)}`,
      );
    }
    const model = new HybridModel(snapshot.config);
    model.knn = ItemKnnModel.fromSnapshot(snapshot.knn);
    model.content = ContentModel.fromSnapshot(snapshot.content);
    return model;
  }
}
