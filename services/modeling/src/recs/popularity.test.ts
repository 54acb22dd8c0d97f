import { describe, expect, it } from 'vitest';
import { PopularityModel } from './popularity.js';
import { movieLensInteractions } from './test-data.js';

describe('PopularityModel', () => {
  it('ranks exactly like a full sort of decayed counts, with a small ranked list', async () => {
    const events = await movieLensInteractions(30_000);
    const model = new PopularityModel({ halfLifeDays: 30, rankedItems: 50 });
    const counts = new Map<string, number>();
    const tau = (30 * 86_400_000) / Math.LN2;
    for (const x of events) model.learn(x);
    const at = events.at(-1)!.ts;
    for (const x of events) counts.set(x.item, (counts.get(x.item) ?? 0) + Math.exp(-(at - x.ts) / tau));
    const expected = [...counts].sort((a, b) => b[1] - a[1]).slice(0, 40);
    const top = model.recommend([], 40);
    expect(top.map((r) => r.item)).toEqual(expected.map(([item]) => item));
    for (const [i, r] of top.entries()) expect(r.score).toBeCloseTo(expected[i]![1], 9);
  });

  it('leaves out excluded items and falls back to a full sort when they fill the ranked list', () => {
    const model = new PopularityModel({ rankedItems: 2 });
    ['a', 'a', 'a', 'b', 'b', 'c'].forEach((item, i) => {
      model.learn({ session: 's', item, kind: 'view', ts: i });
    });
    expect(model.recommend([], 2, new Set(['a'])).map((r) => r.item)).toEqual(['b', 'c']);
    expect(model.recommend([], 5, new Set(['a', 'b'])).map((r) => r.item)).toEqual(['c']);
    const restored = PopularityModel.fromSnapshot(JSON.parse(JSON.stringify(model.toSnapshot())));
    expect(restored.recommend([], 3)).toEqual(model.recommend([], 3));
  });
});
