import { describe, expect, it } from 'vitest';
import { LagTrend } from './lag-trend.js';

/** Feeds one sample per 5 s: [lag, committed] pairs. */
function trend(windowMs: number, samples: Array<[lag: number, committed: number]>) {
  const t = new LagTrend(windowMs);
  samples.forEach(([lag, committed], i) => {
    t.add({ at: i * 5000, lag, committed });
  });
  return t.verdict();
}

describe('LagTrend', () => {
  it('says nothing before a whole window was measured', () => {
    expect(
      trend(20_000, [
        [10, 0],
        [20, 0],
        [30, 0],
      ]),
    ).toEqual({ state: 'ok' });
  });

  it('sees records waiting with nothing committed for a whole window as stuck', () => {
    expect(
      trend(20_000, [
        [5, 100],
        [5, 100],
        [6, 100],
        [6, 100],
        [7, 100],
      ]),
    ).toEqual({
      state: 'stuck',
      lag: 7,
      seconds: 20,
    });
  });

  it('sees lag that only rose over the window as growing, although commits go on', () => {
    expect(
      trend(20_000, [
        [100, 0],
        [150, 40],
        [150, 80],
        [400, 120],
        [900, 160],
      ]),
    ).toEqual({
      state: 'growing',
      from: 100,
      to: 900,
      seconds: 20,
    });
  });

  it('is fine when lag went down once in the window, or when idle', () => {
    expect(
      trend(20_000, [
        [100, 0],
        [150, 40],
        [120, 80],
        [400, 120],
        [900, 160],
      ]),
    ).toEqual({ state: 'ok' });
    expect(
      trend(20_000, [
        [0, 50],
        [0, 50],
        [0, 50],
        [0, 50],
        [0, 50],
      ]),
    ).toEqual({ state: 'ok' });
  });

  it('judges only the last window: an old stall that recovered is forgotten', () => {
    expect(
      trend(10_000, [
        [5, 1],
        [5, 1],
        [5, 1],
        [0, 6],
        [3, 6],
        [0, 9],
      ]),
    ).toEqual({ state: 'ok' });
  });
});
