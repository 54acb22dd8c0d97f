import { describe, expect, it } from 'vitest';
import { seededRandom } from '../random.js';
import { DAY_MS } from '../time.js';
import { bucketStart, bucketWidthMs, EventWindow } from './event-window.js';

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

describe('a summed window in buckets', () => {
  it('has day resolution from 7 days up, finer below, and never a bucket longer than a seventh of it', () => {
    expect(bucketWidthMs(90 * DAY_MS)).toBe(DAY_MS);
    expect(bucketWidthMs(7 * DAY_MS)).toBe(DAY_MS);
    expect(bucketWidthMs(DAY_MS)).toBe(3_600_000);
    expect(bucketWidthMs(3_600_000)).toBe(60_000);
    expect(bucketWidthMs(60_000)).toBe(1_000);
    expect(bucketWidthMs(5_000)).toBe(1);
  });

  it('sums what a window of every event would, each event timed at its bucket start', () => {
    const random = seededRandom(3);
    const width = 1_000;
    const within = 10_000;
    const window = new EventWindow(true, null, width);
    const events: Array<[number, number]> = [];
    let now = 0;
    for (let step = 0; step < 5_000; step++) {
      now += Math.floor(random() * 200);
      const at = random() < 0.1 ? now - Math.floor(random() * 3_000) : now;
      const value = Math.round(random() * 1_000) / 100;
      events.push([at, value]);
      window.add(at, value);
      window.evict(now - within);
      const inWindow = events.filter(([t]) => bucketStart(t, width) > now - within);
      expect(window.count).toBe(inWindow.length);
      expect(window.roundedSum()).toBeCloseTo(
        inWindow.reduce((sum, [, v]) => sum + v, 0),
        6,
      );
      expect(window.entries).toBeLessThanOrEqual(within / width + 1);
    }
  });

  it('keeps a bucket per day however many events: 200,000 orders over 90 days hold 90 entries', () => {
    const window = new EventWindow(true, null, bucketWidthMs(90 * DAY_MS));
    for (let i = 0; i < 200_000; i++) {
      const t = Math.floor((i * 90 * DAY_MS) / 200_000);
      window.add(t, 1);
      window.evict(t - 90 * DAY_MS);
    }
    expect(window.entries).toBe(90);
    expect(window.count).toBe(200_000);
    expect(JSON.stringify(window.toJSON()).length).toBeLessThan(2_000);
  });

  it('folds a window saved one entry per event into its buckets', () => {
    const restored = EventWindow.from(
      { t: [DAY_MS + 1, DAY_MS + 5, 2 * DAY_MS + 3], v: [10, 20, 5], c: 3, s: 35 },
      true,
      null,
      DAY_MS,
    );
    expect(restored.toJSON()).toEqual({ t: [DAY_MS, 2 * DAY_MS], v: [30, 5], n: [2, 1], c: 3, s: 35 });
    restored.evict(DAY_MS);
    expect([restored.count, restored.sum]).toEqual([1, 5]);
  });
});
