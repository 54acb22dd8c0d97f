import { describe, expect, it } from 'vitest';
import { dueRequests, summariseLatencies } from './open-loop.js';

describe('dueRequests (open loop)', () => {
  it('sends request i at i / rate seconds, however long earlier answers take', () => {
    expect(dueRequests(-1, 1000, 100)).toBe(0);
    expect(dueRequests(0, 1000, 100)).toBe(1);
    expect(dueRequests(0.999, 1000, 100)).toBe(1);
    expect(dueRequests(1, 1000, 100)).toBe(2);
    expect(dueRequests(37.5, 1000, 100)).toBe(38);
    expect(dueRequests(10, 200, 100)).toBe(3);
  });

  it('never goes past the total', () => {
    expect(dueRequests(60_000, 1000, 100)).toBe(100);
  });
});

describe('summariseLatencies', () => {
  it('gives nearest-rank percentiles of unsorted values, the maximum and the rate', () => {
    const values = Array.from({ length: 200 }, (_, i) => 200 - i);
    expect(summariseLatencies(values, 4)).toEqual({ p50: 100, p99: 198, max: 200, rps: 50 });
  });

  it('refuses no values', () => {
    expect(() => summariseLatencies([], 1)).toThrow('percentile of no values');
  });
});
