import { readMovieLensRatings, readOttoSessions } from '@pulse/datasets';
import type { Interaction, InteractionKind } from './interaction.js';

/** Real data for the unit tests, read from the shared data folder (PULSE_DATA_DIR or ../shared/data). */

const OTTO_KIND: Record<string, InteractionKind> = { clicks: 'view', carts: 'cart', orders: 'purchase' };

/** The 862 events of the OTTO sample's 20 sessions, in time order (ties: file order). */
export async function ottoSampleInteractions(): Promise<Interaction[]> {
  const out: Interaction[] = [];
  for await (const s of readOttoSessions({ dataDir: process.env['PULSE_DATA_DIR'] })) {
    for (const e of s.events)
      out.push({ session: `otto-${s.session}`, item: String(e.aid), kind: OTTO_KIND[e.type]!, ts: e.ts });
  }
  return stableByTime(out);
}

let movieLens: Promise<Interaction[]> | undefined;

/** The first `limit` MovieLens ratings in time order, each user a session, every rating a view. */
export async function movieLensInteractions(limit: number): Promise<Interaction[]> {
  // Read once per test file: several tests slice the same 100,836 ratings.
  movieLens ??= (async () => {
    const out: Interaction[] = [];
    for await (const r of readMovieLensRatings({ dataDir: process.env['PULSE_DATA_DIR'] })) {
      out.push({ session: `u${r.userId}`, item: r.movieId, kind: 'view', ts: r.timestamp.getTime() });
    }
    return stableByTime(out);
  })();
  return (await movieLens).slice(0, limit);
}

function stableByTime(list: Interaction[]): Interaction[] {
  return list
    .map((x, i) => ({ x, i }))
    .sort((a, b) => a.x.ts - b.x.ts || a.i - b.i)
    .map(({ x }) => x);
}
