import { describe, expect, it } from 'vitest';
import { groupIntoRecords, splitRecord } from './record.js';

const line = (key: string, n: number) => {
  const text = JSON.stringify({ user_key: key, n });
  return { key, line: text, bytes: Buffer.byteLength(text) };
};

describe('event records', () => {
  it('groups one person per record, keeping each person’s order and first-appearance order', () => {
    const records = groupIntoRecords([line('a', 1), line('b', 2), line('a', 3), line('c', 4), line('b', 5)]);
    expect(records.map((r) => r.key)).toEqual(['a', 'b', 'c']);
    expect(records.map((r) => splitRecord(r.value).map((l) => (JSON.parse(l) as { n: number }).n))).toEqual([
      [1, 3],
      [2, 5],
      [4],
    ]);
    expect(records.map((r) => r.count)).toEqual([2, 2, 1]);
  });

  it('splits a person’s lines so that no record exceeds the limit', () => {
    const lines = Array.from({ length: 10 }, (_, i) => line('a', i));
    const limit = lines[0]!.bytes * 3 + 2;
    const records = groupIntoRecords(lines, limit);
    expect(records.length).toBe(4);
    for (const r of records) expect(Buffer.byteLength(r.value)).toBeLessThanOrEqual(limit);
    expect(records.flatMap((r) => splitRecord(r.value))).toEqual(lines.map((l) => l.line));
  });

  it('keeps a single line over the limit in a record of its own rather than dropping it', () => {
    const big = line('a', 1);
    expect(groupIntoRecords([big], 5)).toEqual([{ key: 'a', value: big.line, count: 1 }]);
  });

  it('splits records written by other producers, ignoring empty lines', () => {
    expect(splitRecord('{"a":1}')).toEqual(['{"a":1}']);
    expect(splitRecord('{"a":1}\n{"a":2}\n')).toEqual(['{"a":1}', '{"a":2}']);
    expect(splitRecord('')).toEqual([]);
  });
});
