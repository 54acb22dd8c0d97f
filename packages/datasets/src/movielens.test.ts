import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { BadLine } from './bad-line.js';
import { DatasetFormatError } from './errors.js';
import { type Rating, readMovieLensRatings } from './movielens.js';

const dataDir = process.env['PULSE_DATA_DIR'];

async function collect(source: AsyncIterable<Rating>): Promise<Rating[]> {
  const ratings: Rating[] = [];
  for await (const rating of source) ratings.push(rating);
  return ratings;
}

describe('readMovieLensRatings', () => {
  it('streams the 100,836 real ratings of 610 users', async () => {
    const bad: BadLine[] = [];
    let count = 0;
    let first: Rating | undefined;
    const users = new Set<string>();
    for await (const rating of readMovieLensRatings({ dataDir, onBadLine: (b) => bad.push(b) })) {
      first ??= rating;
      count += 1;
      users.add(rating.userId);
    }
    expect(bad).toEqual([]);
    expect([count, users.size]).toEqual([100_836, 610]);
    expect(first).toEqual({ userId: '1', movieId: '1', rating: 4, timestamp: new Date(964982703 * 1000) });
  });

  it('reads gzipped files and reports bad rows by line', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pulse-ml-'));
    const csv = 'userId,movieId,rating,timestamp\n1,2,3.5,1000\nx,2,3,1000\n1,2,9,1000\n1,2\n2,3,0.5,2000\n';
    await writeFile(join(dir, 'ratings.csv.gz'), gzipSync(csv));
    const bad: BadLine[] = [];
    const ratings = await collect(
      readMovieLensRatings({ dataDir: dir, file: 'ratings.csv.gz', onBadLine: (b) => bad.push(b) }),
    );
    expect(ratings.map((r) => [r.userId, r.rating])).toEqual([
      ['1', 3.5],
      ['2', 0.5],
    ]);
    expect(bad.map((b) => [b.line, b.reason])).toEqual([
      [3, 'invalid_user_id'],
      [4, 'invalid_rating'],
      [5, 'wrong_column_count'],
    ]);
  });

  it('throws DatasetFormatError for a file with another header', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pulse-ml-'));
    await writeFile(join(dir, 'movies.csv'), 'movieId,title,genres\n1,Toy Story (1995),Animation\n');
    await expect(collect(readMovieLensRatings({ dataDir: dir, file: 'movies.csv' }))).rejects.toBeInstanceOf(
      DatasetFormatError,
    );
  });
});
