import { describe, expect, it } from 'vitest';
import { parseExposition } from './exposition.js';
import { bucketsOf, quantile } from './histogram.js';

const INF = Number.POSITIVE_INFINITY;

describe('quantile', () => {
  it('interpolates within the bucket holding the rank, like histogram_quantile', () => {
    // 100 observations: 50 up to 0.1 s, 40 more up to 0.5 s, 10 more up to 1 s.
    const buckets = [
      { le: 0.1, count: 50 },
      { le: 0.5, count: 90 },
      { le: 1, count: 100 },
      { le: INF, count: 100 },
    ];
    expect(quantile(0.5, buckets)).toBeCloseTo(0.1);
    expect(quantile(0.7, buckets)).toBeCloseTo(0.3);
    expect(quantile(0.99, buckets)).toBeCloseTo(0.95);
    expect(quantile(0.25, buckets)).toBeCloseTo(0.05);
  });

  it('answers the highest finite bound for a rank in +Inf, and nothing without observations', () => {
    expect(
      quantile(0.99, [
        { le: 1, count: 1 },
        { le: INF, count: 10 },
      ]),
    ).toBe(1);
    expect(
      quantile(0.5, [
        { le: 1, count: 0 },
        { le: INF, count: 0 },
      ]),
    ).toBeUndefined();
    expect(quantile(0.5, [])).toBeUndefined();
  });
});

describe('bucketsOf', () => {
  const scrape = (a: number, b: number) =>
    parseExposition(
      [
        `d_bucket{route="/v1/batch",le="0.01"} ${a}`,
        `d_bucket{route="/v1/batch",le="+Inf"} ${a + b}`,
        `d_bucket{route="/metrics",le="0.01"} 1000`,
        `d_bucket{route="/metrics",le="+Inf"} 1000`,
      ].join('\n'),
    ).samples;

  it('is the increase between two scrapes, for the matching series only', () => {
    const buckets = bucketsOf('d', scrape(10, 5), scrape(4, 1), (l) => l['route'] === '/v1/batch');
    expect(buckets).toEqual([
      { le: 0.01, count: 6 },
      { le: INF, count: 10 },
    ]);
  });

  it('counts from zero when the service restarted in between', () => {
    expect(bucketsOf('d', scrape(2, 1), scrape(40, 10), (l) => l['route'] === '/v1/batch')).toEqual([
      { le: 0.01, count: 2 },
      { le: INF, count: 3 },
    ]);
  });
});
