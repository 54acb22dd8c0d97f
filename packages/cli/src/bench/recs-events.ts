import { join } from 'node:path';
import { defaultDataDir, MOVIELENS_RATINGS_FILE } from '@pulse/datasets';
import type { Interaction } from '@pulse/modeling';
import { movieLensSource } from '../eval/recs/movielens-source.js';

/**
 * The bench's events: MovieLens ml-latest-small in time order (100,836 ratings, 610 people), real
 * baskets with real long tails, read once and kept in memory so that reading is never timed.
 */
export async function recsBenchEvents(dataDir: string | undefined): Promise<Interaction[]> {
  const file = join(dataDir ?? defaultDataDir(), MOVIELENS_RATINGS_FILE);
  const events: Interaction[] = [];
  for await (const x of movieLensSource(file, () => undefined).interactions) {
    events.push({ session: x.session, item: x.item, kind: x.kind, ts: x.ts });
  }
  return events;
}
