import { describe, expect, it } from 'vitest';
import { seededRandom } from './randomized-svd.js';
import { Ranker, ScoreBoard, selectTop } from './top-k.js';

describe('selectTop', () => {
  it('puts the k best first, ties broken by the smaller item, like a full sort', () => {
    const random = seededRandom(3);
    for (let round = 0; round < 200; round++) {
      const n = 1 + Math.floor(random() * 80);
      const k = 1 + Math.floor(random() * 90);
      const items = Int32Array.from({ length: n }, (_, i) => i);
      // Few distinct scores: many ties.
      const scores = Float64Array.from({ length: n }, () => Math.floor(random() * 5));
      const expected = [...items].sort((a, b) => scores[b]! - scores[a]! || a - b).slice(0, k);
      const m = selectTop(items, scores, n, k);
      expect(m).toBe(Math.min(n, k));
      expect([...items.subarray(0, m)].sort((a, b) => a - b)).toEqual(expected.sort((a, b) => a - b));
    }
  });
});

describe('ScoreBoard', () => {
  it('sums scores per item and reads the best first, skipping excluded ones', () => {
    const board = new ScoreBoard();
    board.add(5, 1);
    board.add(3, 2);
    board.add(5, 1.5);
    board.add(9, 0.5);
    board.add(2000, 2);
    expect(board.top(3, (item) => item === 3)).toEqual([
      { item: 5, score: 2.5 },
      { item: 2000, score: 2 },
      { item: 9, score: 0.5 },
    ]);
    board.clear();
    expect(board.top(3, () => false)).toEqual([]);
    expect(board.score(5)).toBe(0);
  });
});

describe('Ranker', () => {
  it('ranks like a comparator sort by score then item, ties included', () => {
    const random = seededRandom(21);
    const ranker = new Ranker();
    for (let round = 0; round < 100; round++) {
      const n = 1 + Math.floor(random() * 300);
      const items = Int32Array.from({ length: n }, (_, i) => (i * 7919) % 1009);
      const scores = Float64Array.from({ length: n }, () => 0.5 + Math.floor(random() * 20) / 7);
      const order = [...Array(n).keys()].sort((a, b) => scores[b]! - scores[a]! || items[a]! - items[b]!);
      const ranks = ranker.rank(items, scores, n);
      order.forEach((i, rank) => {
        expect(ranks[i]).toBe(rank);
      });
    }
  });
});
