import { readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { RecordSorter } from './external-sort.js';

async function sortAll(
  records: number[][],
  chunkRecords: number,
): Promise<{ out: number[][]; runs: number }> {
  const sorter = new RecordSorter({ width: 3, keyColumns: 2, chunkRecords, readRecords: 3 });
  for (const r of records) await sorter.push(r);
  const runs = sorter.spilledRuns;
  const out: number[][] = [];
  for await (const r of sorter.sorted()) out.push(Array.from(r));
  return { out, runs };
}

async function sortDirs(): Promise<string[]> {
  return (await readdir(tmpdir())).filter((name) => name.startsWith('pulse-eval-sort-'));
}

describe('RecordSorter', () => {
  // Keys with many ties; the third column numbers the input, so stability is visible.
  const records = Array.from({ length: 1000 }, (_, i) => [(i * 7919) % 13, (i * 104729) % 5, i]);
  const expected = [...records].sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]! || a[2]! - b[2]!);

  it('sorts in memory when the input fits one chunk', async () => {
    const { out, runs } = await sortAll(records, 5000);
    expect(runs).toBe(0);
    expect(out).toEqual(expected);
  });

  it('spills sorted runs to disk, merges them stably and removes them', async () => {
    const before = await sortDirs();
    const { out, runs } = await sortAll(records, 64);
    expect(runs).toBe(15);
    expect(out).toEqual(expected);
    expect(await sortDirs()).toEqual(before);
  });

  it('removes its files when the reader stops early', async () => {
    const before = await sortDirs();
    const sorter = new RecordSorter({ width: 3, keyColumns: 2, chunkRecords: 10 });
    for (const r of records) await sorter.push(r);
    for await (const r of sorter.sorted()) {
      expect(r[0]).toBe(0);
      break;
    }
    expect(await sortDirs()).toEqual(before);
  });
});
