/**
 * Minimum-cost assignment (Hungarian method, Kuhn-Munkres with potentials, O(n²m)) for an n × m cost
 * matrix. Returns, per row, the column it gets, or −1 when there are more rows than columns.
 */
export function hungarian(cost: readonly (readonly number[])[]): number[] {
  const rows = cost.length;
  const columns = rows === 0 ? 0 : cost[0]!.length;
  if (rows === 0) return [];
  if (rows > columns) {
    const transposed = Array.from({ length: columns }, (_, j) => cost.map((row) => row[j]!));
    const byColumn = hungarian(transposed);
    const result = new Array<number>(rows).fill(-1);
    byColumn.forEach((row, column) => {
      if (row >= 0) result[row] = column;
    });
    return result;
  }
  // 1-based arrays as in the classic formulation; column 0 is the virtual start.
  const u = new Float64Array(rows + 1);
  const v = new Float64Array(columns + 1);
  const match = new Int32Array(columns + 1);
  const way = new Int32Array(columns + 1);
  for (let i = 1; i <= rows; i += 1) {
    match[0] = i;
    let j0 = 0;
    const minv = new Float64Array(columns + 1).fill(Number.POSITIVE_INFINITY);
    const used = new Uint8Array(columns + 1);
    do {
      used[j0] = 1;
      const i0 = match[j0]!;
      let delta = Number.POSITIVE_INFINITY;
      let j1 = 0;
      for (let j = 1; j <= columns; j += 1) {
        if (used[j]) continue;
        const current = cost[i0 - 1]![j - 1]! - u[i0]! - v[j]!;
        if (current < minv[j]!) {
          minv[j] = current;
          way[j] = j0;
        }
        if (minv[j]! < delta) {
          delta = minv[j]!;
          j1 = j;
        }
      }
      for (let j = 0; j <= columns; j += 1) {
        if (used[j]) {
          u[match[j]!]! += delta;
          v[j]! -= delta;
        } else {
          minv[j]! -= delta;
        }
      }
      j0 = j1;
    } while (match[j0] !== 0);
    do {
      const j1 = way[j0]!;
      match[j0] = match[j1]!;
      j0 = j1;
    } while (j0 !== 0);
  }
  const result = new Array<number>(rows).fill(-1);
  for (let j = 1; j <= columns; j += 1) {
    if (match[j]! > 0) result[match[j]! - 1] = j - 1;
  }
  return result;
}
