import { describe, expect, it } from 'vitest';
import { RecsConfigError, RecsRequestError } from './errors.js';
import { ItemKnnModel } from './item-knn-model.js';
import { createModel, restoreModel } from './models.js';
import { movieLensInteractions } from './test-data.js';

describe('ItemKnnModel', () => {
  it('recommends k items outside the exclusions, neighbours first, popularity after', async () => {
    const events = await movieLensInteractions(10_000);
    const model = new ItemKnnModel({ neighbours: 5, historyLength: 1 });
    for (const x of events) model.learn(x);
    const history = ['1', '260'];
    const exclude = new Set(['1', '260', '2571']);
    const answer = model.recommend(history, 20, exclude);
    expect(answer).toHaveLength(20);
    expect(answer.some((r) => exclude.has(r.item))).toBe(false);
    expect(new Set(answer.map((r) => r.item)).size).toBe(20);
    // One history item with K = 5: at most 5 scored neighbours, then popular items with score 0.
    const scored = answer.filter((r) => r.score > 0);
    expect(scored.length).toBeGreaterThan(0);
    expect(scored.length).toBeLessThanOrEqual(5);
    expect(answer.slice(scored.length).every((r) => r.score === 0)).toBe(true);
    const neighbours = model.similarItems('260', 5).map((n) => n.item);
    expect(scored.every((r) => neighbours.includes(r.item))).toBe(true);
    // Someone with no known history gets the popular items.
    expect(model.recommend(['no-such-item'], 3).every((r) => r.score === 0)).toBe(true);
  });

  it('gives the same answers after a snapshot round trip mid-stream, for cosine and LLR', async () => {
    const events = await movieLensInteractions(8000);
    for (const name of ['item-cosine', 'item-llr']) {
      const whole = createModel(name);
      const half = createModel(name);
      events.forEach((x) => {
        whole.learn(x);
      });
      events.slice(0, 5000).forEach((x) => {
        half.learn(x);
      });
      const resumed = restoreModel(JSON.parse(JSON.stringify(half.toSnapshot())));
      events.slice(5000).forEach((x) => {
        resumed.learn(x);
      });
      expect(resumed.name).toBe(name);
      const history = ['1', '50', '296'];
      expect(resumed.recommend(history, 20, new Set(history))).toEqual(
        whole.recommend(history, 20, new Set(history)),
      );
    }
  });

  it('rejects a bad k and a bad configuration with clear errors', () => {
    expect(() => new ItemKnnModel().recommend([], 0)).toThrow(RecsRequestError);
    expect(() => new ItemKnnModel({ neighbours: 0 })).toThrow(RecsConfigError);
    expect(() => new ItemKnnModel({ cooccurrence: { window: 50, maxSessionItems: 10 } })).toThrow(
      /maxSessionItems must be at least window/,
    );
    expect(() => createModel('nope')).toThrow(/unknown model "nope"/);
  });
});
