import { describe, expect, it } from 'vitest';
import { type RssPoint, rssGrowth, theilSenSlope } from './rss-growth.js';

const MB = 1024 * 1024;

describe('theilSenSlope', () => {
  it('is the slope of points on a line', () => {
    const line = [0, 5, 10, 15].map((t) => ({ t, bytes: 1000 + 20 * t }));
    expect(theilSenSlope(line)).toBe(20);
  });

  it('ignores a single spike that would tilt a least-squares line', () => {
    const flat: RssPoint[] = Array.from({ length: 10 }, (_, i) => ({ t: i * 5, bytes: 100 * MB }));
    flat[9] = { t: 45, bytes: 160 * MB };
    expect(theilSenSlope(flat)).toBe(0);
  });

  it('needs two readings at different times', () => {
    expect(() => theilSenSlope([{ t: 1, bytes: 5 }])).toThrow('two readings');
  });
});

describe('rssGrowth', () => {
  it('drops the warm-up and extrapolates the slope over the time the readings span', () => {
    // Fast growth while warming up, then 1 MB a minute with a GC sawtooth of ±3 MB on top.
    const points: RssPoint[] = [];
    for (let t = 0; t <= 600; t += 5) {
      const base = t < 60 ? 50 * MB + t * MB : 110 * MB + ((t - 60) / 60) * MB;
      points.push({ t, bytes: base + (t % 10 === 0 ? 3 : -3) * MB });
    }
    const g = rssGrowth(points, 60);
    expect(g.samples).toBe(109);
    expect(g.growthMb).toBeGreaterThan(8.5);
    expect(g.growthMb).toBeLessThan(9.5);
    expect(g.afterWarmUpMb).toBe(113);
    expect(g.endMb).toBe(122);
    expect(g.endMinusStartMb).toBe(9);
    expect(g.peakMb).toBe(122);
  });

  it('refuses a run too short to leave three readings after the warm-up', () => {
    expect(() =>
      rssGrowth(
        [0, 30, 60, 65].map((t) => ({ t, bytes: MB })),
        60,
      ),
    ).toThrow('2 RSS readings after the 60 s warm-up');
  });
});
