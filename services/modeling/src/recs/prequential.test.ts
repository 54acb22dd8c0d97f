import { describe, expect, it } from 'vitest';
import type { Interaction } from './interaction.js';
import type { ItemFilter, RecModel, Recommendation } from './model.js';
import { evaluatePrequential, formatPrequentialLine, type ReplayInteraction } from './prequential.js';

/** Answers a fixed list minus the excluded items, and records what it learned. */
class FixedModel implements RecModel {
  readonly name = 'fixed';
  readonly learned: string[] = [];
  constructor(private readonly list: string[]) {}
  learn(x: Interaction): void {
    this.learned.push(`${x.session}:${x.item}`);
  }
  recommend(_history: readonly string[], k: number, exclude?: ItemFilter): Recommendation[] {
    return this.list
      .filter((item) => !exclude?.has(item))
      .slice(0, k)
      .map((item) => ({ item, score: 1 }));
  }
}

const at = (session: string, item: string, ts: number, last = false): ReplayInteraction => ({
  session,
  item,
  kind: 'view',
  ts,
  last,
});

describe('evaluatePrequential', () => {
  it('asks before learning, only for items new to a session that has a history', async () => {
    const events = [
      at('s1', 'a', 1), // first of s1: nothing to predict from
      at('s2', 'b', 2), // first of s2
      at('s1', 'b', 3), // predicted: answer [c, b] (a excluded), b at rank 2
      at('s1', 'a', 4), // a is not new to s1: not a prediction
      at('s1', 'c', 5), // predicted: answer [c], rank 1
      at('s2', 'c', 6, true), // predicted: answer [a, c] (b excluded), rank 2
    ];
    const model = new FixedModel(['a', 'c', 'b']);
    const result = await evaluatePrequential(events, model, new FixedModel([]), { k: 20 });
    expect(result).toMatchObject({
      events: 6,
      predictions: 3,
      'hr@10': 1,
      'hr@20': 1,
      'mrr@20': 0.6667, // (1/2 + 1 + 1/2) / 3
      'popularity_hr@20': 0,
    });
    expect(model.learned).toEqual(['s1:a', 's2:b', 's1:b', 's1:a', 's1:c', 's2:c']);
  });

  it('counts a hit at rank 11 for hr@20 but not hr@10', async () => {
    const list = Array.from({ length: 30 }, (_, i) => `i${i}`);
    const events = [at('s', 'x', 1), at('s', 'i10', 2)];
    const result = await evaluatePrequential(events, new FixedModel(list), new FixedModel(list));
    expect([result['hr@10'], result['hr@20'], result['mrr@20'], result['popularity_hr@20']]).toEqual([
      0, 1, 0.0909, 1,
    ]);
  });

  it('refuses events out of time order', async () => {
    const events = [at('s', 'a', 5), at('s', 'b', 4)];
    await expect(evaluatePrequential(events, new FixedModel([]), new FixedModel([]))).rejects.toThrow(
      /time order/,
    );
  });

  it('prints exactly the agreed keys in order', () => {
    const line = formatPrequentialLine({
      events: 3,
      predictions: 2,
      'hr@10': 0.5,
      'hr@20': 1,
      'mrr@20': 0.75,
      'popularity_hr@20': 0.5,
      seconds: 0.01,
    });
    expect(line).toBe(
      '{"events":3,"predictions":2,"hr@10":0.5,"hr@20":1,"mrr@20":0.75,"popularity_hr@20":0.5,"seconds":0.01}',
    );
  });
});
