import { describe, expect, it } from 'vitest';
import { HybridModel } from './hybrid-model.js';
import type { Interaction } from './interaction.js';

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

describe('HybridModel answers', () => {
  it('equal those of a model restored from its snapshot, while new items and texts keep arriving', () => {
    // Items p100..p199 are described up front (a catalogue) but interacted with only later: their
    // documents gain a collaborative index under the caches.
    const catalog = new Map(
      Array.from({ length: 100 }, (_, i) => {
        const n = 100 + i;
        return [`p${n}`, `${WORDS[n % 8]} ${WORDS[(n >> 3) % 8]} ${WORDS[(n >> 6) % 8]}`] as const;
      }),
    );
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
