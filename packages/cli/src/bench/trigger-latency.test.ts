import { describe, expect, it } from 'vitest';
import { percentile } from './trigger-latency.js';

describe('percentile (nearest rank)', () => {
  it('picks the value at the rank ceil(p% of n)', () => {
    const values = Array.from({ length: 200 }, (_, i) => i + 1);
    expect(percentile(values, 50)).toBe(100);
    expect(percentile(values, 99)).toBe(198);
    expect(percentile(values, 100)).toBe(200);
  });

  it('gives the only value of one, and refuses none', () => {
    expect(percentile([7], 99)).toBe(7);
    expect(() => percentile([], 50)).toThrow('percentile of no values');
  });
});
