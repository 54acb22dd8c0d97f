import { basename, dirname, resolve } from 'node:path';
import { type BadLine, readMovieLensRatings } from '@pulse/datasets';
import type { ReplayInteraction } from '@pulse/modeling';
import { RecordSorter } from './external-sort.js';
import type { ReplaySource } from './replay-source.js';

/**
 * MovieLens ratings replayed in time order, each user's ratings one session. ratings.csv is sorted
 * by user, not time, so the ratings go through an external sort keyed by (time, user, line): memory
 * holds one chunk (a million ratings, 48 MB) while reading and one block per chunk while merging;
 * ml-25m's 25 million ratings become 25 runs on disk. Ratings per user are counted while reading
 * (a number per user) so that each user's last rating is known and their state can be dropped.
 * A rating is one interaction of kind `view`: what the person rated, not how well, is the signal.
 */
export function movieLensSource(
  file: string,
  onBadLine: (bad: BadLine) => void,
  options: { chunkRecords?: number; catalog?: ReadonlyMap<string, string> } = {},
): ReplaySource {
  let bad = 0;
  const path = resolve(file);
  async function* interactions(): AsyncGenerator<ReplayInteraction> {
    const sorter = new RecordSorter({ width: 4, keyColumns: 3, chunkRecords: options.chunkRecords });
    const record = new Float64Array(4);
    const remaining = new Map<number, number>();
    let line = 0;
    for await (const rating of readMovieLensRatings({
      dataDir: dirname(path),
      file: basename(path),
      onBadLine: (b) => {
        bad += 1;
        onBadLine(b);
      },
    })) {
      const user = Number(rating.userId);
      record[0] = rating.timestamp.getTime();
      record[1] = user;
      record[2] = line++;
      record[3] = Number(rating.movieId);
      remaining.set(user, (remaining.get(user) ?? 0) + 1);
      await sorter.push(record);
    }
    for await (const r of sorter.sorted()) {
      const user = r[1]!;
      const left = remaining.get(user)! - 1;
      if (left === 0) remaining.delete(user);
      else remaining.set(user, left);
      yield { ts: r[0]!, session: String(user), item: String(r[3]), kind: 'view', last: left === 0 };
    }
  }
  return {
    name: `MovieLens ratings ${basename(path)}`,
    interactions: interactions(),
    ...(options.catalog ? { catalog: options.catalog } : {}),
    badLines: () => bad,
  };
}
