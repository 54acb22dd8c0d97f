import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readLines } from './text-stream.js';

async function collect(source: AsyncIterable<string>): Promise<string[]> {
  const lines: string[] = [];
  for await (const line of source) lines.push(line);
  return lines;
}

describe('readLines', () => {
  it('splits plain and gzipped files, CRLF or not, multi-byte characters across chunks', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pulse-lines-'));
    // 200k characters of '£' (2 bytes each) are sure to straddle the 64 KiB read chunks.
    const long = '£'.repeat(200_000);
    const text = `first\r\n${long}\n\nlast without newline`;
    await writeFile(join(dir, 'a.txt'), text);
    await writeFile(join(dir, 'a.txt.gz'), gzipSync(text));
    const expected = ['first', long, '', 'last without newline'];
    expect(await collect(readLines(join(dir, 'a.txt')))).toEqual(expected);
    expect(await collect(readLines(join(dir, 'a.txt.gz')))).toEqual(expected);
  });

  it('surfaces a corrupt gzip file as an error of the iteration', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pulse-lines-'));
    await writeFile(join(dir, 'bad.gz'), Buffer.from('not gzip at all'));
    await expect(collect(readLines(join(dir, 'bad.gz')))).rejects.toThrow();
  });
});
