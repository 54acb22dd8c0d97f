import { RecsRequestError, RecsUnknownItemError } from '../recs/errors.js';
import type { RecModel, Recommendation, SnapshotModel } from '../recs/index.js';
import type { RecentItemsModel } from './recent-items.js';

/** The models the service can serve: those that know their items and have item neighbours. */
export interface ServingModel extends SnapshotModel {
  knows(item: string): boolean;
  knownItems(): string[];
  similarItems(item: string, k: number): Recommendation[];
}

export function isServingModel(model: RecModel): model is ServingModel {
  const m = model as Partial<ServingModel>;
  return (
    typeof m.knows === 'function' &&
    typeof m.knownItems === 'function' &&
    typeof m.similarItems === 'function'
  );
}

/** Where an answer comes from: the model, or decayed popularity for someone or something new. */
export type AnswerSource = 'model' | 'popularity';

export interface ItemAnswer {
  itemId: string;
  items: Recommendation[];
  source: AnswerSource;
}

export interface UserAnswer {
  userId: string;
  items: Recommendation[];
  source: AnswerSource;
}

/**
 * Answers recommendation requests from the live models in memory (read between events, so every
 * answer is of one consistent state). Falls back to decayed popularity for an item without
 * neighbours and for a person without history; never recommends what a person already bought.
 */
export class Recommender {
  constructor(
    private readonly model: () => ServingModel,
    private readonly people: RecentItemsModel,
    readonly maxK: number,
  ) {}

  similarItems(itemId: string, k: number): ItemAnswer {
    this.checkK(k);
    const model = this.model();
    if (!model.knows(itemId)) throw new RecsUnknownItemError(itemId);
    const items = model.similarItems(itemId, k);
    if (items.length > 0) return { itemId, items, source: 'model' };
    const popular = model.recommend([], k, { has: (other) => other === itemId });
    return { itemId, items: popular, source: 'popularity' };
  }

  forUser(userId: string, k: number): UserAnswer {
    this.checkK(k);
    const model = this.model();
    const history = this.people.of(userId)?.recent ?? [];
    const items = model.recommend(history, k, this.people.purchasedSet(userId));
    const source: AnswerSource = items.some((r) => r.score > 0) ? 'model' : 'popularity';
    return { userId, items, source };
  }

  private checkK(k: number): void {
    if (!Number.isInteger(k) || k < 1 || k > this.maxK) {
      throw new RecsRequestError(`k must be an integer from 1 to ${this.maxK}, got ${k}`);
    }
  }
}
