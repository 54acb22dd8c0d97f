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

  it('remembers at least the last capacity/2 ids and forgets older ones', () => {
    const window = new DedupWindow(4);
    for (const id of ['a', 'b', 'c', 'd']) window.seen(id);
    // 'a' is in the old generation now: still remembered.
    expect(window.seen('a')).toBe(true);
    // 'e' starts a new generation and drops the one holding 'a' and 'b'.
    window.seen('e');
    expect(window.seen('c')).toBe(true);
    expect(window.seen('d')).toBe(true);
    expect(window.seen('a')).toBe(false);
  });

  it('stays within its capacity however many ids go through', () => {
    const window = new DedupWindow(100);
    let largest = 0;
    for (let i = 0; i < 10_000; i++) {
      window.seen(`id-${i}`);
      largest = Math.max(largest, window.size);
    }
    expect(largest).toBe(100);
    expect(window.size).toBeGreaterThanOrEqual(50);
    expect(window.seen('id-9999')).toBe(true);
    expect(window.seen('id-9950')).toBe(true);
    expect(window.seen('id-0')).toBe(false);
  });

  it('forgets an id on request, from either generation', () => {
    const window = new DedupWindow(4);
    window.seen('a');
    window.seen('b');
    window.seen('c'); // 'a' and 'b' move to the old generation
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
