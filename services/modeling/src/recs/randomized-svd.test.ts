import { Matrix, SingularValueDecomposition } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import { randomizedSvd, seededRandom, sparseFromRows } from './randomized-svd.js';
import { SvdModel } from './svd-model.js';

function lowRank(rows: number, cols: number, rank: number, seed: number): Matrix {
  const random = seededRandom(seed);
  const left = Matrix.rand(rows, rank, { random });
  const right = Matrix.rand(rank, cols, { random });
  return left.mmul(right);
}

function sparse(m: Matrix) {
  const rows = m.to2DArray().map((row) => row.map((v, j) => [j, v] as const).filter(([, v]) => v !== 0));
  return sparseFromRows(rows, m.columns);
}

describe('randomizedSvd', () => {
  it('reconstructs a rank-3 matrix from 3 factors', () => {
    const a = lowRank(40, 30, 3, 11);
    const { u, s, v } = randomizedSvd(sparse(a), 3, {
      oversample: 5,
      powerIterations: 1,
      random: seededRandom(1),
    });
    expect([u.rows, u.columns, s.length, v.rows, v.columns]).toEqual([40, 3, 3, 30, 3]);
    const rebuilt = u.mmul(Matrix.diag(s)).mmul(v.transpose());
    expect(Math.max(...a.sub(rebuilt).abs().to1DArray())).toBeLessThan(1e-9);
    expect(s[0]!).toBeGreaterThanOrEqual(s[1]!);
    // Orthonormal columns.
    expect(Math.max(...v.transpose().mmul(v).sub(Matrix.eye(3)).abs().to1DArray())).toBeLessThan(1e-9);
  });

  it('finds the top singular values of a noisy matrix close to the exact ones', () => {
    const random = seededRandom(5);
    const a = lowRank(60, 50, 4, 2).add(Matrix.rand(60, 50, { random }).mul(0.01));
    const exact = new SingularValueDecomposition(a).diagonal;
    const { s } = randomizedSvd(sparse(a), 4, {
      oversample: 10,
      powerIterations: 2,
      random: seededRandom(9),
    });
    for (const [i, value] of s.entries()) expect(Math.abs(value - exact[i]!) / exact[i]!).toBeLessThan(1e-6);
  });
});

describe('SvdModel', () => {
  it('recommends what people with the same items took, after a refit, and survives a snapshot', () => {
    const model = new SvdModel({ factors: 2, refitEvery: null, halfLifeDays: null });
    let ts = 0;
    // Two tastes: {a, b, c} and {x, y, z}; the last person of each group misses one item.
    for (let p = 0; p < 20; p++) {
      const group = p % 2 === 0 ? ['a', 'b', 'c'] : ['x', 'y', 'z'];
      const items = p >= 18 ? group.slice(0, 2) : group;
      for (const item of items) model.learn({ session: `p${p}`, item, kind: 'view', ts: ts++ });
    }
    expect(model.recommend(['a'], 1, new Set(['a']))[0]?.score).toBe(0); // no factors yet: popularity
    model.refit();
    expect(model.recommend(['a', 'b'], 1, new Set(['a', 'b']))[0]?.item).toBe('c');
    expect(model.recommend(['x', 'y'], 1, new Set(['x', 'y']))[0]?.item).toBe('z');
    const restored = SvdModel.fromSnapshot(JSON.parse(JSON.stringify(model.toSnapshot())));
    expect(restored.recommend(['x'], 3)).toEqual(model.recommend(['x'], 3));
  });
});
