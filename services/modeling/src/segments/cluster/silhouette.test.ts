import { Matrix } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import { pointsFromMatrix } from './points.js';
import { silhouette } from './silhouette.js';

describe('silhouette', () => {
  it('matches the value worked out by hand', () => {
    // Clusters {0, 1} and {4, 5} on a line. Point 0: a = 1, b = (4 + 5) / 2 = 4.5, s = 3.5 / 4.5;
    // point 1: a = 1, b = 3.5, s = 2.5 / 3.5; the others mirror them.
    const points = pointsFromMatrix(new Matrix([[0], [1], [4], [5]]));
    expect(silhouette(points, [0, 0, 1, 1], 2)).toBeCloseTo((3.5 / 4.5 + 2.5 / 3.5) / 2, 12);
  });

  it('scores a point alone in its cluster 0 and a wrong split below 0', () => {
    const points = pointsFromMatrix(new Matrix([[0], [1], [10]]));
    // Point 2 alone: 0. Points 0 and 1: a = 1, b = 10 and 9.
    expect(silhouette(points, [0, 0, 1], 2)).toBeCloseTo((9 / 10 + 8 / 9) / 3, 12);
    const line = pointsFromMatrix(new Matrix([[0], [1], [4], [5]]));
    expect(silhouette(line, [0, 1, 0, 1], 2)).toBeLessThan(0);
  });
});
