import { describe, expect, it } from 'vitest';
import { BlendBoard } from './blend-board.js';

describe('BlendBoard', () => {
  it('sums each side apart, adds them once, and breaks ties by first vote (collaborative first)', () => {
    const board = new BlendBoard();
    board.collaborative.add(7, 1);
    board.collaborative.add(3, 0.25);
    board.collaborative.add(3, 0.25);
    board.content.add(9, 1);
    board.content.add(3, 0.5);
    board.content.add(12, 0.1);
    board.content.add(12, 0.2);
    // Three candidates at 1: in order of their first vote (7, 3, then 9), not by slot.
    expect(board.top(10, () => false)).toEqual([
      { slot: 7, score: 1 },
      { slot: 3, score: 1 },
      { slot: 9, score: 1 },
      { slot: 12, score: 0.1 + 0.2 },
    ]);
    expect(board.top(2, (slot) => slot === 7)).toEqual([
      { slot: 3, score: 1 },
      { slot: 9, score: 1 },
    ]);
  });

  it('adds the sides as two boards merged would: (a + b) + (c + d), not ((a + b) + c) + d', () => {
    const board = new BlendBoard();
    const [a, b, c, d] = [0.762280082457942, 0.0021060533511106927, 0.4453871940548014, 0.7215400323407826];
    expect(a + b + c + d).not.toBe(a + b + (c + d));
    board.collaborative.add(0, a);
    board.collaborative.add(0, b);
    board.content.add(0, c);
    board.content.add(0, d);
    expect(board.top(1, () => false)[0]!.score).toBe(a + b + (c + d));
  });

  it('numbers afresh after clear, ignores zero votes for new candidates, and grows past its first slots', () => {
    const board = new BlendBoard();
    board.collaborative.add(5, 2);
    board.clear();
    board.content.add(2, 0);
    expect(board.size).toBe(0);
    for (let i = 0; i < 5000; i++) board.content.add((i * 7) % 5000, 1);
    board.collaborative.add(4999, 1);
    expect(board.size).toBe(5000);
    const top = board.top(3, () => false);
    expect(top[0]).toEqual({ slot: 4999, score: 2 });
    // The rest tie at 1: first voted first (slots 0, 7).
    expect(top.slice(1)).toEqual([
      { slot: 0, score: 1 },
      { slot: 7, score: 1 },
    ]);
    board.clear();
    expect(board.size).toBe(0);
    expect(board.top(3, () => false)).toEqual([]);
  });
});
