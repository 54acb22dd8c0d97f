import { describe, expect, it } from 'vitest';
import { seededRandom } from '../random.js';
import { ExpiryQueue } from './expiry-queue.js';

describe('the expiry queue', () => {
  it('holds one entry per key, moved in place, and pops in (time, key) order', () => {
    const queue = new ExpiryQueue();
    const expected = new Map<string, number>();
    const random = seededRandom(11);
    for (let step = 0; step < 20_000; step++) {
      const key = `k${Math.floor(random() * 50)}`;
      if (random() < 0.1) {
        expect(queue.delete(key)).toBe(expected.delete(key));
      } else {
        const time = Math.floor(random() * 1_000);
        queue.set(time, key);
        expected.set(key, time);
      }
      expect(queue.size).toBe(expected.size);
      expect(queue.timeOf(key)).toBe(expected.get(key));
    }
    const popped: Array<[number, string]> = [];
    for (let next = queue.pop(); next !== undefined; next = queue.pop()) popped.push([next.time, next.key]);
    const sorted = [...expected].map(([key, time]): [number, string] => [time, key]);
    sorted.sort((a, b) => a[0] - b[0] || (a[1] < b[1] ? -1 : 1));
    expect(popped).toEqual(sorted);
  });

  it('does not grow when one key is rescheduled on every event', () => {
    const queue = new ExpiryQueue();
    for (let t = 0; t < 200_000; t++) queue.set(t + 7_000, 'ann');
    expect(queue.size).toBe(1);
    expect(queue.pop()).toEqual({ time: 206_999, key: 'ann' });
  });
});
