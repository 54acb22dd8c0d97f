import { Matrix } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import { SegmentModelError } from '../errors.js';
import { seededRandom } from '../random.js';
import { assignPoints, kmeansPlusPlus, lloydKMeans, miniBatchKMeans } from './kmeans.js';
import { type Points, pointsFromMatrix, squaredDistance } from './points.js';

const CENTRES = [
  [0, 0, 0],
  [10, 0, 0],
  [0, 10, 0],
  [0, 0, 10],
];

/** 4 well-separated blobs of 500 points (spread 0.5), interleaved. */
function blobs(): { points: Points; truth: Int32Array } {
  const random = seededRandom(11);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const rows: number[][] = [];
  const truth: number[] = [];
  for (let i = 0; i < 2_000; i += 1) {
    const c = i % 4;
    rows.push(CENTRES[c]!.map((x) => x + 0.5 * gauss()));
    truth.push(c);
  }
  return { points: pointsFromMatrix(new Matrix(rows)), truth: Int32Array.from(truth) };
}

/** Each true centre has exactly one found centroid within `tolerance`. */
function matchesCentres(centroids: Float64Array, tolerance: number): boolean {
  return CENTRES.every((centre) => {
    const near = [0, 1, 2, 3].filter(
      (c) => Math.sqrt(squaredDistance(Float64Array.from(centre), 0, centroids, c * 3, 3)) < tolerance,
    );
    return near.length === 1;
  });
}

/** Every true blob maps to one found cluster and no two blobs share one. */
function purity(labels: Int32Array, truth: Int32Array): number {
  let agree = 0;
  const mapping = new Map<number, number>();
  for (let i = 0; i < labels.length; i += 1) {
    if (!mapping.has(truth[i]!)) mapping.set(truth[i]!, labels[i]!);
    if (mapping.get(truth[i]!) === labels[i]) agree += 1;
  }
  return new Set(mapping.values()).size === 4 ? agree / labels.length : 0;
}

describe('k-means on synthetic blobs', () => {
  it('Lloyd recovers the blobs from a k-means++ seeding', () => {
    const { points, truth } = blobs();
    const fit = lloydKMeans(points, kmeansPlusPlus(points, 4, seededRandom(1)));
    expect(matchesCentres(fit.centroids, 0.1)).toBe(true);
    expect(purity(assignPoints(points, fit.centroids, 4).labels, truth)).toBe(1);
  });

  it('mini-batch recovers them too, with inertia within 1 % of Lloyd from the same seeding', () => {
    const { points, truth } = blobs();
    const initial = kmeansPlusPlus(points, 4, seededRandom(2));
    const mini = miniBatchKMeans(points, initial, { random: seededRandom(3), batchSize: 100 });
    const full = lloydKMeans(points, initial);
    expect(matchesCentres(mini.centroids, 0.1)).toBe(true);
    expect(purity(assignPoints(points, mini.centroids, 4).labels, truth)).toBe(1);
    const ratio =
      assignPoints(points, mini.centroids, 4).inertia / assignPoints(points, full.centroids, 4).inertia;
    expect(ratio).toBeLessThanOrEqual(1.01);
    expect(ratio).toBeGreaterThanOrEqual(0.99);
  });

  it('is deterministic for a seed and refuses an impossible k', () => {
    const { points } = blobs();
    expect(kmeansPlusPlus(points, 4, seededRandom(5))).toEqual(kmeansPlusPlus(points, 4, seededRandom(5)));
    const tiny = pointsFromMatrix(new Matrix([[1], [2]]));
    expect(() => kmeansPlusPlus(tiny, 3, seededRandom(1))).toThrow(SegmentModelError);
  });
});
