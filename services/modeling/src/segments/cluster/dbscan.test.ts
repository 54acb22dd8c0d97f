import { Matrix } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import { dbscan, dbscanWithCore, epsFromKDistances, kDistances, NOISE } from './dbscan.js';
import { pointsFromMatrix } from './points.js';

/** Two 5 × 5 grids (spacing 1) far apart, a border point next to one, and three lone points. */
function data() {
  const rows: number[][] = [];
  for (const [ox, oy] of [
    [0, 0],
    [50, 0],
  ] as const) {
    for (let x = 0; x < 5; x += 1) for (let y = 0; y < 5; y += 1) rows.push([ox + x, oy + y]);
  }
  rows.push([5.2, 2]); // border of the first grid: near its edge, too few neighbours to be core
  rows.push([25, 25], [-30, 40], [100, -80]);
  return pointsFromMatrix(new Matrix(rows));
}

describe('DBSCAN', () => {
  it('finds the two dense regions and marks the lone points as noise', () => {
    const result = dbscan(data(), 1.5, 5);
    expect(result.clusters).toBe(2);
    expect([...result.labels.slice(51)]).toEqual([NOISE, NOISE, NOISE]);
    expect(new Set(result.labels.slice(0, 25))).toEqual(new Set([result.labels[0]]));
    expect(new Set(result.labels.slice(25, 50))).toEqual(new Set([result.labels[25]]));
    expect(result.labels[0]).not.toBe(result.labels[25]);
    // The border point joins the first region without being core.
    expect(result.labels[50]).toBe(result.labels[0]);
    expect(result.core).not.toContain(50);
  });

  it('gives the same answer from k-distances (core ⇔ k-distance ≤ eps)', () => {
    const points = data();
    const kth = kDistances(points, 5);
    const eps = epsFromKDistances(kth, 0.9);
    const direct = dbscan(points, eps, 5);
    const fromCore = dbscanWithCore(
      points,
      eps,
      Uint8Array.from(kth, (k) => (k <= eps ? 1 : 0)),
    );
    expect(fromCore).toEqual(direct);
    // A grid corner's 5 nearest (itself included): 0, 1, 1, √2, then 2.
    expect(kth[0]).toBe(2);
  });
});
