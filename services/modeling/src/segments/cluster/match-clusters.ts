import { hungarian } from './hungarian.js';
import { squaredDistance } from './points.js';

/**
 * Stable cluster ids across refreshes: new centroids are matched to the previous ones (Hungarian
 * method on centroid distance), and a match keeps the old id when the new centroid lies clearly in the
 * old one's territory: closer to it than `maxRatio` × the distance from the old centroid to its
 * nearest neighbour. The test is relative, so a cluster that drifts as every customer's recency grows
 * keeps its id, while a cluster that is really new gets a fresh one.
 */
export function matchClusterIds(
  previous: { ids: readonly string[]; centroids: Float64Array } | null,
  centroids: Float64Array,
  d: number,
  maxRatio: number,
  newId: () => string,
  /** Order in which unmatched clusters get fresh ids (e.g. largest first), deterministic. */
  order: readonly number[],
): string[] {
  const k = centroids.length / d;
  const ids = new Array<string>(k).fill('');
  if (previous !== null && previous.ids.length > 0) {
    const old = previous.ids.length;
    const distance = (a: Float64Array, i: number, b: Float64Array, j: number) =>
      Math.sqrt(squaredDistance(a, i * d, b, j * d, d));
    const separation = previous.ids.map((_, p) => {
      let nearest = Number.POSITIVE_INFINITY;
      for (let q = 0; q < old; q += 1) {
        if (q !== p) nearest = Math.min(nearest, distance(previous.centroids, p, previous.centroids, q));
      }
      return nearest;
    });
    const cost = Array.from({ length: k }, (_, c) =>
      previous.ids.map((_, p) => distance(centroids, c, previous.centroids, p)),
    );
    hungarian(cost).forEach((p, c) => {
      if (p >= 0 && cost[c]![p]! < maxRatio * separation[p]!) ids[c] = previous.ids[p]!;
    });
  }
  for (const c of order) if (ids[c] === '') ids[c] = newId();
  return ids;
}
