import type { Sample } from './exposition.js';

export interface Bucket {
  le: number;
  count: number;
}

/**
 * The q-quantile of a histogram's cumulative buckets, estimated like
 * Prometheus' histogram_quantile: linear within the bucket that holds the
 * rank; in the +Inf bucket, the highest finite bound. Undefined without
 * observations.
 */
export function quantile(q: number, buckets: readonly Bucket[]): number | undefined {
  const sorted = [...buckets].sort((a, b) => a.le - b.le);
  const total = sorted[sorted.length - 1]?.count ?? 0;
  if (total <= 0 || sorted[sorted.length - 1]!.le !== Number.POSITIVE_INFINITY) return undefined;
  const rank = q * total;
  let lowerBound = 0;
  let lowerCount = 0;
  for (const b of sorted) {
    if (b.count >= rank) {
      if (b.le === Number.POSITIVE_INFINITY) return lowerBound;
      const inBucket = b.count - lowerCount;
      return inBucket <= 0 ? b.le : lowerBound + ((b.le - lowerBound) * (rank - lowerCount)) / inBucket;
    }
    lowerBound = b.le;
    lowerCount = b.count;
  }
  return lowerBound;
}

/**
 * The buckets of histogram `name` (samples `name_bucket`) whose labels
 * include `match`, summed across the other labels, as the increase from
 * `before` to `after` (cumulative when there is no `before`).
 */
export function bucketsOf(
  name: string,
  after: readonly Sample[],
  before: readonly Sample[] | undefined,
  match: (labels: Record<string, string>) => boolean = () => true,
): Bucket[] {
  const sum = (samples: readonly Sample[]) => {
    const byLe = new Map<number, number>();
    for (const s of samples) {
      if (s.name !== `${name}_bucket` || s.labels['le'] === undefined || !match(s.labels)) continue;
      const le = s.labels['le'] === '+Inf' ? Number.POSITIVE_INFINITY : Number(s.labels['le']);
      byLe.set(le, (byLe.get(le) ?? 0) + s.value);
    }
    return byLe;
  };
  const now = sum(after);
  const then = before ? sum(before) : new Map<number, number>();
  // A restarted service counts from zero again: then its new total is the increase.
  const restarted = [...now].some(([le, count]) => count < (then.get(le) ?? 0));
  return [...now].map(([le, count]) => ({ le, count: restarted ? count : count - (then.get(le) ?? 0) }));
}
