import { describe, expect, it } from 'vitest';
import { seededRandom } from '../random.js';
import { EventWindow } from './event-window.js';

describe('a counted window with a cap', () => {
  it('decides every comparison with v as the full window does, keeping at most ⌊v⌋ + 1 events', () => {
    const random = seededRandom(7);
    for (const v of [0, 1, 2, 3, 7]) {
      const cap = v + 1;
      const full = new EventWindow(true);
      const capped = new EventWindow(true, cap);
      let now = 0;
      for (let step = 0; step < 5000; step++) {
        now += Math.floor(random() * 100);
        // Mostly in order, sometimes late by up to 300 ms.
        const at = random() < 0.1 ? now - Math.floor(random() * 300) : now;
        full.add(at, 1);
        capped.add(at, 1);
        const cutoff = now - 1000;
        full.evict(cutoff);
        capped.evict(cutoff);
        expect(capped.count).toBe(Math.min(full.count, cap));
        for (const op of ['gt', 'gte', 'lt', 'lte', 'eq'] as const) {
          const compare = (n: number) =>
            op === 'gt'
              ? n > v
              : op === 'gte'
                ? n >= v
                : op === 'lt'
                  ? n < v
                  : op === 'lte'
                    ? n <= v
                    : n === v;
          expect(compare(capped.count)).toBe(compare(full.count));
        }
        expect(capped.times.length - capped.head).toBeLessThanOrEqual(cap);
      }
    }
  });

  it('trims a restored window to its cap', () => {
    const restored = EventWindow.from({ t: [1, 2, 3, 4, 5], v: [1, 1, 1, 1, 1], c: 5, s: 5 }, true, 2);
    expect(restored.count).toBe(2);
    expect(restored.oldest()).toBe(4);
  });
});
