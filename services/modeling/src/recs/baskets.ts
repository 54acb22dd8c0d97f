import { RecsSnapshotError } from './errors.js';

/**
 * One open basket: the items of a session (or of a person between two long silences) with the
 * strongest weight each reached, in order of last touch, and the most recent distinct ones.
 */
interface Basket {
  lastTs: number;
  /** item → the basket's strongest weight for it; Map order = order of last touch. */
  items: Map<number, number>;
  /** The last `window` distinct items touched, most recent last. */
  recent: number[];
}

export interface BasketLimits {
  window: number;
  proximityWeight: number;
  /** null: a basket lasts as long as its session key. */
  sessionGapMs: number | null;
  maxSessionItems: number;
  maxOpenSessions: number;
}

export interface BasketSnapshot {
  /** [session, lastTs, [item, weight, ...] in touch order, recent items] */
  sessions: Array<[string, number, number[], number[]]>;
}

/**
 * Decides which pairs an interaction creates. The rules, which the batch recompute
 * (`recomputeCooccurrence`) states again independently:
 * - a basket's pair (i, j) counts w_i · w_j once, w being the strongest weight each item reached in
 *   the basket: a repeated view adds nothing; a view that becomes a purchase adds the difference;
 * - a new or strengthened item pairs with the `window` most recent other items of its basket only,
 *   so an event costs at most `window` pair updates however long the session; the k-th most recent
 *   counts proximityWeight^(k−1): what one looks at in a row says more than the far ends of a visit;
 * - a basket ends after `sessionGapMs` of silence in event time; idle baskets are closed by `sweep`,
 *   the longest idle first when more than `maxOpenSessions` are open; a basket forgets its
 *   least recently touched items past `maxSessionItems` (a forgotten item seen again counts anew).
 */
export class BasketTracker {
  private readonly sessions = new Map<string, Basket>();
  /** Filled by `observe`: the items the interaction pairs with and their weights. */
  readonly partners: number[] = [];
  readonly partnerWeights: number[] = [];
  /** Set by `observe`: the item's weight in the basket before this interaction (0: new). */
  previousWeight = 0;

  constructor(private readonly limits: BasketLimits) {}

  get openSessions(): number {
    return this.sessions.size;
  }

  /**
   * Records the interaction and returns by how much the item's basket weight grew (0: no new
   * pairs); `partners`, `partnerWeights` and `previousWeight` describe it.
   */
  observe(session: string, ts: number, item: number, weight: number): number {
    this.partners.length = 0;
    this.partnerWeights.length = 0;
    let basket = this.sessions.get(session);
    const gap = this.limits.sessionGapMs;
    if (basket !== undefined && gap !== null && ts - basket.lastTs > gap) {
      this.sessions.delete(session);
      basket = undefined;
    }
    if (basket === undefined) {
      basket = { lastTs: ts, items: new Map(), recent: [] };
      this.sessions.set(session, basket);
      if (this.sessions.size > this.limits.maxOpenSessions) this.closeLongestIdle();
    }
    if (ts > basket.lastTs) basket.lastTs = ts;

    const previous = basket.items.get(item) ?? 0;
    this.previousWeight = previous;
    const grown = weight > previous;
    const recent = basket.recent;
    const at = recent.indexOf(item);
    if (grown) {
      // Newest first: the k-th partner back counts proximityWeight^(k−1).
      let proximity = 1;
      for (let r = recent.length - 1; r >= 0; r--) {
        const other = recent[r]!;
        if (other === item) continue;
        this.partners.push(other);
        this.partnerWeights.push(basket.items.get(other)! * proximity);
        proximity *= this.limits.proximityWeight;
      }
    }
    if (at >= 0) recent.splice(at, 1);
    recent.push(item);
    if (recent.length > this.limits.window) recent.shift();
    basket.items.delete(item);
    basket.items.set(item, grown ? weight : previous);
    if (basket.items.size > this.limits.maxSessionItems) {
      const oldest = basket.items.keys().next().value!;
      basket.items.delete(oldest);
    }
    return grown ? weight - previous : 0;
  }

  /**
   * Closes the baskets silent for more than two gaps as of `watermarkMs` (the newest event time of
   * any session). Two, not one: another person's newer event says little about this one's clock, and
   * an event arriving up to a gap late must still find its basket open.
   */
  sweep(watermarkMs: number): void {
    const gap = this.limits.sessionGapMs;
    if (gap === null) return;
    for (const [session, basket] of this.sessions) {
      if (watermarkMs - basket.lastTs > 2 * gap) this.sessions.delete(session);
    }
  }

  /** Drops a session's open basket (a deletion request); false when it had none. */
  forget(session: string): boolean {
    return this.sessions.delete(session);
  }

  /** Closes the tenth of the open baskets that has been idle longest (ties: oldest opened first). */
  private closeLongestIdle(): void {
    const entries = [...this.sessions].sort((a, b) => a[1].lastTs - b[1].lastTs);
    const close = Math.max(1, Math.floor(this.limits.maxOpenSessions / 10));
    for (let i = 0; i < close && i < entries.length; i++) this.sessions.delete(entries[i]![0]);
  }

  toSnapshot(): BasketSnapshot {
    const sessions: BasketSnapshot['sessions'] = [];
    for (const [session, basket] of this.sessions) {
      const items: number[] = [];
      for (const [item, weight] of basket.items) items.push(item, weight);
      sessions.push([session, basket.lastTs, items, basket.recent.slice()]);
    }
    return { sessions };
  }

  static fromSnapshot(limits: BasketLimits, snapshot: BasketSnapshot, itemCount: number): BasketTracker {
    const tracker = new BasketTracker(limits);
    if (!Array.isArray(snapshot?.sessions)) throw new RecsSnapshotError('baskets: sessions is not a list');
    const isItem = (x: unknown): x is number =>
      Number.isInteger(x) && (x as number) >= 0 && (x as number) < itemCount;
    for (const entry of snapshot.sessions) {
      const [session, lastTs, items, recent] = Array.isArray(entry) ? entry : [];
      if (
        typeof session !== 'string' ||
        typeof lastTs !== 'number' ||
        !Array.isArray(items) ||
        items.length % 2 !== 0 ||
        !Array.isArray(recent) ||
        !recent.every(isItem)
      ) {
        throw new RecsSnapshotError(`baskets: damaged session entry ${JSON.stringify(entry).slice(0, 100)}`);
      }
      const map = new Map<number, number>();
      for (let i = 0; i < items.length; i += 2) {
        const item = items[i];
        const weight = items[i + 1];
        if (!isItem(item) || typeof weight !== 'number')
          throw new RecsSnapshotError(`baskets: damaged items of ${session}`);
        map.set(item, weight);
      }
      tracker.sessions.set(session, { lastTs, items: map, recent: recent.slice() });
    }
    return tracker;
  }
}
