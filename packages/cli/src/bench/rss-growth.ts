/** One reading of a process's resident memory, `t` seconds after the load started. */
export interface RssPoint {
  t: number;
  bytes: number;
}

export interface RssGrowth {
  /** Theil–Sen slope over the samples after warm-up × the time they span, in MB. */
  growthMb: number;
  /** The same samples' growth as last minus first, in MB: what a two-point reading would say. */
  endMinusStartMb: number;
  afterWarmUpMb: number;
  endMb: number;
  peakMb: number;
  samples: number;
}

const MB = 1024 * 1024;

/**
 * Theil–Sen estimator: the median of the slopes between every pair of points. RSS moves in steps
 * (a heap grown before a collection, an arena kept after it), so the difference of two readings
 * depends on where in those cycles each fell, and a least-squares line follows single spikes; the
 * median of pairwise slopes ignores up to about 29 % of wild points and still sees a steady leak.
 */
export function theilSenSlope(points: readonly RssPoint[]): number {
  const slopes: number[] = [];
  for (let i = 0; i < points.length; i++) {
    for (let j = i + 1; j < points.length; j++) {
      const a = points[i]!;
      const b = points[j]!;
      if (b.t !== a.t) slopes.push((b.bytes - a.bytes) / (b.t - a.t));
    }
  }
  if (slopes.length === 0) throw new Error('a slope needs two readings at different times');
  slopes.sort((x, y) => x - y);
  const mid = slopes.length >> 1;
  return slopes.length % 2 === 1 ? slopes[mid]! : (slopes[mid - 1]! + slopes[mid]!) / 2;
}

/** Growth of one process's RSS over the readings taken from `warmUpS` seconds on. */
export function rssGrowth(points: readonly RssPoint[], warmUpS: number): RssGrowth {
  const kept = points.filter((p) => p.t >= warmUpS).sort((a, b) => a.t - b.t);
  if (kept.length < 3) {
    throw new Error(`${kept.length} RSS readings after the ${warmUpS} s warm-up; at least 3 are needed`);
  }
  const first = kept[0]!;
  const last = kept[kept.length - 1]!;
  const mb = (bytes: number) => Math.round((bytes / MB) * 10) / 10;
  return {
    growthMb: mb(theilSenSlope(kept) * (last.t - first.t)),
    endMinusStartMb: mb(last.bytes - first.bytes),
    afterWarmUpMb: mb(first.bytes),
    endMb: mb(last.bytes),
    peakMb: mb(Math.max(...kept.map((p) => p.bytes))),
    samples: kept.length,
  };
}
