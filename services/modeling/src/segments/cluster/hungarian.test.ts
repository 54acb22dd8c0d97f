import { describe, expect, it } from 'vitest';
import { seededRandom } from '../random.js';
import { hungarian } from './hungarian.js';

function cost(matrix: number[][], assignment: number[]): number {
  return assignment.reduce((sum, column, row) => sum + (column >= 0 ? matrix[row]![column]! : 0), 0);
}

function permutations(n: number): number[][] {
  if (n === 1) return [[0]];
  return permutations(n - 1).flatMap((p) =>
    Array.from({ length: n }, (_, i) => [...p.slice(0, i), n - 1, ...p.slice(i)]),
  );
}

describe('hungarian', () => {
  it('solves a textbook case', () => {
    expect(
      hungarian([
        [4, 1, 3],
        [2, 0, 5],
        [3, 2, 2],
      ]),
    ).toEqual([1, 0, 2]);
  });

  it('finds the minimum of every permutation on random 6 × 6 matrices', () => {
    const random = seededRandom(3);
    const all = permutations(6);
    for (let trial = 0; trial < 20; trial += 1) {
      const matrix = Array.from({ length: 6 }, () =>
        Array.from({ length: 6 }, () => Math.round(random() * 100)),
      );
      const best = Math.min(...all.map((p) => cost(matrix, p)));
      expect(cost(matrix, hungarian(matrix))).toBe(best);
    }
  });

  it('handles more rows than columns (the extra rows get −1) and the reverse', () => {
    const tall = hungarian([
      [5, 1],
      [1, 5],
      [0, 0],
    ]);
    expect(tall.filter((c) => c >= 0).sort()).toEqual([0, 1]);
    expect(
      cost(
        [
          [5, 1],
          [1, 5],
          [0, 0],
        ],
        tall,
      ),
    ).toBe(1); // rows 0 and 2, or 1 and 2, at cost 1 + 0
    expect(hungarian([[3, 1, 2]])).toEqual([1]);
  });
});
