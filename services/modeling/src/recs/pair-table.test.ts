import { describe, expect, it } from 'vitest';
import { PairIndex } from './pair-table.js';
import { seededRandom } from './randomized-svd.js';

describe('PairIndex', () => {
  it('agrees with a Map under random inserts, updates and deletes, through resizes', () => {
    const index = new PairIndex(4);
    const reference = new Map<string, number>();
    const random = seededRandom(7);
    for (let step = 0; step < 50_000; step++) {
      const a = Math.floor(random() * 60);
      const b = Math.floor(random() * 60);
      const key = `${a},${b}`;
      if (random() < 0.3) {
        expect(index.delete(a, b)).toBe(reference.delete(key));
      } else {
        index.set(a, b, step);
        reference.set(key, step);
      }
    }
    expect(index.size).toBe(reference.size);
    for (let a = 0; a < 60; a++) {
      for (let b = 0; b < 60; b++) expect(index.get(a, b)).toBe(reference.get(`${a},${b}`) ?? -1);
    }
  });

  it('keeps (a, b) and (b, a) apart', () => {
    const index = new PairIndex();
    index.set(1, 2, 10);
    index.set(2, 1, 20);
    expect([index.get(1, 2), index.get(2, 1), index.get(1, 1)]).toEqual([10, 20, -1]);
  });
});
