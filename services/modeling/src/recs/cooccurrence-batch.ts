import {
  type CooccurrenceConfigInput,
  cooccurrenceConfigSchema,
  MS_PER_DAY,
  parseRecsConfig,
} from './config.js';
import type { DecayedCounts } from './cooccurrence.js';
import type { Interaction } from './interaction.js';

/**
 * The co-occurrence counts of `interactions` decayed to `atMs`, computed from scratch: each
 * contribution is decayed directly by exp(−(atMs − t)/τ), with no anchor, no renormalisation and no
 * incremental state. It states the basket rules of BasketTracker a second time, in batch form, so
 * that a test (and the worker, against its events table) can check the incremental state against it.
 *
 * `interactions` must list each session's events in the order the incremental model learned them.
 * The result equals `ItemCooccurrence.decayedCounts(atMs)` while the incremental model never reached
 * its memory limits (maxCandidatesPerItem, maxPairs, maxSessionItems, maxOpenSessions).
 */
export function recomputeCooccurrence(
  interactions: Iterable<Interaction>,
  config: CooccurrenceConfigInput,
  atMs: number,
): DecayedCounts {
  const c = parseRecsConfig(cooccurrenceConfigSchema, config, 'co-occurrence');
  const tau = c.halfLifeDays === null ? null : (c.halfLifeDays * MS_PER_DAY) / Math.LN2;
  const decay = (ts: number): number => (tau === null ? 1 : Math.exp(-(atMs - ts) / tau));
  const gap = c.sessionGapMinutes === null ? null : c.sessionGapMinutes * 60_000;

  const bySession = new Map<string, Interaction[]>();
  for (const x of interactions) {
    const list = bySession.get(x.session);
    if (list) list.push(x);
    else bySession.set(x.session, [x]);
  }

  const out: DecayedCounts = {
    norm: new Map(),
    popularity: new Map(),
    rowSum: new Map(),
    total: 0,
    pairs: new Map(),
  };
  const bump = (map: Map<string, number>, key: string, value: number): void => {
    map.set(key, (map.get(key) ?? 0) + value);
  };

  for (const events of bySession.values()) {
    for (const basket of splitBaskets(events, gap)) {
      // strongest[i] = the basket's strongest weight for item i among the events before.
      const strongest = new Map<string, number>();
      for (let p = 0; p < basket.length; p++) {
        const x = basket[p]!;
        bump(out.norm, x.item, 0);
        const w = c.weights[x.kind];
        const before = strongest.get(x.item) ?? 0;
        if (w <= before) continue;
        const f = decay(x.ts);
        bump(out.norm, x.item, (w * w - before * before) * f);
        bump(out.popularity, x.item, (w - before) * f);
        let proximity = 1;
        for (const partner of recentDistinct(basket, p, c.window)) {
          if (partner === x.item) continue;
          const value = (w - before) * strongest.get(partner)! * proximity * f;
          proximity *= c.proximityWeight;
          bump(out.pairs, `${x.item}\u0000${partner}`, value);
          bump(out.pairs, `${partner}\u0000${x.item}`, value);
          bump(out.rowSum, x.item, value);
          bump(out.rowSum, partner, value);
          out.total += 2 * value;
        }
        strongest.set(x.item, w);
      }
    }
  }
  for (const item of out.norm.keys()) {
    bump(out.popularity, item, 0);
    bump(out.rowSum, item, 0);
  }
  return out;
}

/** A session's events cut where the silence since the basket's newest event exceeds the gap. */
function splitBaskets(events: readonly Interaction[], gap: number | null): Interaction[][] {
  const baskets: Interaction[][] = [];
  let current: Interaction[] = [];
  let newest = Number.NEGATIVE_INFINITY;
  for (const x of events) {
    if (current.length > 0 && gap !== null && x.ts - newest > gap) {
      baskets.push(current);
      current = [];
      newest = Number.NEGATIVE_INFINITY;
    }
    current.push(x);
    newest = Math.max(newest, x.ts);
  }
  if (current.length > 0) baskets.push(current);
  return baskets;
}

/** The `window` most recently touched distinct items before position `p` (newest first). */
function recentDistinct(basket: readonly Interaction[], p: number, window: number): string[] {
  const seen: string[] = [];
  for (let q = p - 1; q >= 0 && seen.length < window; q--) {
    const item = basket[q]!.item;
    if (!seen.includes(item)) seen.push(item);
  }
  return seen;
}
