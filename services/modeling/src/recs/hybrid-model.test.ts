import { describe, expect, it } from 'vitest';
import { ContentModel } from './content-model.js';
import { HybridModel } from './hybrid-model.js';
import type { Interaction } from './interaction.js';
import { ItemKnnModel } from './item-knn-model.js';
import type { Recommendation } from './model.js';
import { ScoreBoard } from './top-k.js';

const T = Date.UTC(2024, 0, 1);
const WORDS = ['red', 'mug', 'heart', 'lantern', 'tin', 'glass', 'candle', 'bag'];

/** Sessions of views and purchases over `items` products, each named by three of WORDS. */
function stream(from: number, to: number, items: number): Interaction[] {
  const out: Interaction[] = [];
  let seed = from + 1;
  const next = () => {
    seed = (Math.imul(seed, 48271) + 11) % 2147483647;
    return seed;
  };
  for (let i = from; i < to; i++) {
    const item = `p${next() % items}`;
    const n = Number(item.slice(1));
    out.push({
      session: `s${next() % 40}`,
      item,
      kind: next() % 5 === 0 ? 'purchase' : 'view',
      ts: T + i * 60_000,
      text: `${WORDS[n % 8]} ${WORDS[(n >> 3) % 8]} ${WORDS[(n >> 6) % 8]}`,
    });
  }
  return out;
}

/** The catalogue of items p100..p199, described up front and interacted with only later. */
function laterCatalog(): Map<string, string> {
  return new Map(
    Array.from({ length: 100 }, (_, i) => {
      const n = 100 + i;
      return [`p${n}`, `${WORDS[n % 8]} ${WORDS[(n >> 3) % 8]} ${WORDS[(n >> 6) % 8]}`] as const;
    }),
  );
}

/**
 * The blend computed the plain way, from models of each side learned apart: each side's votes on a
 * board of its own, merged by item id into a map numbered in order of first vote (collaborative
 * first), sorted by score and then that number.
 */
function plainBlend(
  hybrid: HybridModel,
  knn: ItemKnnModel,
  content: ContentModel,
  history: string[],
  k: number,
  exclude: Set<string>,
): Recommendation[] {
  const knnBoard = new ScoreBoard();
  const contentBoard = new ScoreBoard();
  const index = knn.cooccurrence.index;
  knn.scoreHistory(history, knnBoard, (idx) => hybrid.collaborativeShare(index.id(idx)));
  content.scoreHistory(history, contentBoard, (item) => 1 - hybrid.collaborativeShare(item));
  const merged = new Map<string, { n: number; score: number }>();
  const vote = (item: string, score: number) => {
    const m = merged.get(item);
    if (m) m.score += score;
    else merged.set(item, { n: merged.size, score });
  };
  knnBoard.forEach((idx, score) => {
    vote(index.id(idx), score);
  });
  contentBoard.forEach((doc, score) => {
    vote(content.texts.idOf(doc), score);
  });
  return [...merged]
    .filter(([item, m]) => m.score > 0 && !exclude.has(item))
    .sort(([, a], [, b]) => b.score - a.score || a.n - b.n)
    .slice(0, k)
    .map(([item, m]) => ({ item, score: m.score }));
}

describe('HybridModel answers', () => {
  it('equal the two sides scored apart and merged plainly, to the bit and in tie order', () => {
    const hybrid = new HybridModel({}, laterCatalog());
    const knn = new ItemKnnModel(hybrid.config.knn);
    const content = new ContentModel(hybrid.config.content, laterCatalog());
    const histories = [['p1', 'p2', 'p3'], ['p150', 'p151', 'p7'], ['p198'], ['p40', 'p41', 'p1', 'p40']];
    let compared = 0;
    let contentOnly = 0;
    for (const [from, to, items] of [
      [0, 1500, 100],
      [1500, 3000, 200],
    ] as const) {
      for (const x of stream(from, to, items)) {
        hybrid.learn(x);
        knn.learn(x);
        content.learn(x);
      }
      for (const history of histories) {
        for (const exclude of [new Set<string>(), new Set(['p2', 'p150'])]) {
          const plain = plainBlend(hybrid, knn, content, history, 20, exclude);
          const answer = hybrid.recommend(history, 20, exclude);
          expect(answer.slice(0, plain.length)).toEqual(plain);
          expect(answer.slice(plain.length).every((r) => r.score === 0)).toBe(true);
          compared += plain.length;
          contentOnly += plain.filter((r) => !knn.knows(r.item)).length;
        }
      }
    }
    // Items of both sides were compared, and items only the descriptions know (p100+ at first).
    expect(compared).toBeGreaterThan(200);
    expect(contentOnly).toBeGreaterThan(0);
  });

  it('equal those of a model restored from its snapshot, while new items and texts keep arriving', () => {
    // Items p100..p199 are described up front (a catalogue) but interacted with only later: their
    // documents gain a collaborative index under the caches.
    const catalog = laterCatalog();
    const model = new HybridModel({}, catalog);
    const histories = [['p1', 'p2', 'p3'], ['p7'], ['p40', 'p41', 'p1'], ['p150', 'p151'], []];
    // Answers between chunks fill the per-answer caches; items p100+ arrive only later, so the
    // collaborative index and the texts change under them.
    for (const [from, to, items] of [
      [0, 1500, 100],
      [1500, 2500, 160],
      [2500, 3000, 200],
    ] as const) {
      for (const x of stream(from, to, items)) model.learn(x);
      const fresh = HybridModel.fromSnapshot(JSON.parse(JSON.stringify(model.toSnapshot())));
      for (const history of histories) {
        expect(model.recommend(history, 10)).toEqual(fresh.recommend(history, 10));
        expect(model.recommend(history, 10, new Set(['p2']))).toEqual(
          fresh.recommend(history, 10, new Set(['p2'])),
        );
      }
      for (const item of ['p1', 'p99', 'p150', 'p199']) {
        expect(model.similarItems(item, 5)).toEqual(fresh.similarItems(item, 5));
      }
    }
    expect(model.recommend(['p150'], 10).length).toBe(10);
  });
});
