import { describe, expect, it } from 'vitest';
import { parseJemallocSummary } from './jemalloc-summary.js';

// The line as chdb 3.4 (ClickHouse 26.7, jemalloc 5.3) prints it, between others.
const STATS = [
  '___ Begin jemalloc statistics ___',
  'Number of large size classes: 196',
  'Allocated: 26479952, active: 27049984, metadata: 5425136 (n_thp 0, edata 139776, rtree 4194304), resident: 37310464, mapped: 49037312, retained: 6012928',
  'Count of realloc(non-null-ptr, 0) calls: 0',
  'active:                      27049984',
].join('\n');

describe('parseJemallocSummary', () => {
  it('reads the six totals from the summary line, not from the per-arena lines that repeat the names', () => {
    expect(parseJemallocSummary(STATS)).toEqual({
      allocated: 26479952,
      active: 27049984,
      metadata: 5425136,
      resident: 37310464,
      mapped: 49037312,
      retained: 6012928,
    });
  });

  it('gives nothing when the summary line is missing or lacks a figure', () => {
    expect(parseJemallocSummary('jemalloc is not used')).toBeUndefined();
    expect(
      parseJemallocSummary('Allocated: 1, active: 2, metadata: 3, resident: 4, mapped: 5'),
    ).toBeUndefined();
  });
});
