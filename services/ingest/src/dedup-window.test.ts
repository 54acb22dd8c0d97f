import { describe, expect, it } from 'vitest';
import { DedupWindow } from './dedup-window.js';

describe('DedupWindow', () => {
  it('reports an id the second time it is seen', () => {
    const window = new DedupWindow(10);
    expect(window.seen('a')).toBe(false);
    expect(window.seen('b')).toBe(false);
    expect(window.seen('a')).toBe(true);
    expect(window.seen('b')).toBe(true);
  });

  it('keeps an id that was forgotten and came again until its new arrival leaves', () => {
    const window = new DedupWindow(3);
    window.seen('a');
    window.forget('a');
    window.seen('a');
    window.seen('b');
    // The place of the first 'a' leaves; the second 'a' stays.
    window.seen('c');
    expect(window.seen('a')).toBe(true);
    window.seen('d');
    expect(window.seen('a')).toBe(false);
  });

  it('remembers exactly the last capacity ids, first in first out', () => {
    const window = new DedupWindow(4);
    for (const id of ['a', 'b', 'c', 'd']) window.seen(id);
    expect(window.seen('a')).toBe(true);
    // 'e' pushes out the oldest, 'a'.
    window.seen('e');
    expect(window.seen('a')).toBe(false);
    // ...and that 'a' pushed out 'b'.
    expect(window.seen('b')).toBe(false);
    expect(window.seen('d')).toBe(true);
    expect(window.seen('e')).toBe(true);
  });

  it('stays within its capacity however many ids go through', () => {
    const window = new DedupWindow(100);
    let largest = 0;
    for (let i = 0; i < 10_000; i++) {
      window.seen(`id-${i}`);
      largest = Math.max(largest, window.size);
    }
    expect(largest).toBe(100);
    expect(window.size).toBe(100);
    expect(window.seen('id-9999')).toBe(true);
    expect(window.seen('id-9900')).toBe(true);
    expect(window.seen('id-9899')).toBe(false);
    expect(window.seen('id-0')).toBe(false);
  });

  it('answers as a first-in-first-out list of the last ids does, through evictions and forgets', () => {
    // A small table wraps around and collides often: every probe-run case of the deletion.
    for (const capacity of [1, 3, 8, 50]) {
      const window = new DedupWindow(capacity);
      const fifo: string[] = [];
      // mulberry32: the low bits of a plain LCG repeat too soon to reach every case.
      let state = 7 + capacity;
      const next = () => {
        state = (state + 0x6d2b79f5) >>> 0;
        let t = Math.imul(state ^ (state >>> 15), 1 | state);
        t ^= t + Math.imul(t ^ (t >>> 7), 61 | t);
        return (t ^ (t >>> 14)) >>> 0;
      };
      for (let step = 0; step < 20_000; step++) {
        const id = `m-${next() % (capacity * 3)}`;
        if (next() % 10 === 0) {
          window.forget(id);
          const at = fifo.indexOf(id);
          // The reference keeps the forgotten id's place (as the ring does) but not the id.
          if (at >= 0) fifo[at] = '';
          continue;
        }
        const expected = fifo.includes(id);
        expect(window.seen(id)).toBe(expected);
        if (!expected) {
          if (fifo.length === capacity) fifo.shift();
          fifo.push(id);
        }
        expect(window.size).toBe(new Set(fifo.filter((x) => x !== '')).size);
      }
    }
  });

  it('forgets an id on request', () => {
    const window = new DedupWindow(4);
    window.seen('a');
    window.seen('b');
    window.seen('c');
    window.forget('a');
    window.forget('c');
    expect(window.seen('a')).toBe(false);
    expect(window.seen('c')).toBe(false);
    expect(window.seen('b')).toBe(true);
  });

  it('remembers nothing with capacity 0 (deduplication off)', () => {
    const window = new DedupWindow(0);
    expect(window.seen('a')).toBe(false);
    expect(window.seen('a')).toBe(false);
    expect(window.size).toBe(0);
  });
});
