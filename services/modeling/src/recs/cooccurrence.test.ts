import { describe, expect, it } from 'vitest';
import type { CooccurrenceConfigInput } from './config.js';
import { type DecayedCounts, ItemCooccurrence } from './cooccurrence.js';
import { recomputeCooccurrence } from './cooccurrence-batch.js';
import type { Interaction } from './interaction.js';
import { movieLensInteractions, ottoSampleInteractions } from './test-data.js';

/** The largest absolute difference between two sets of counts; fails when their keys differ. */
function maxDifference(a: DecayedCounts, b: DecayedCounts): number {
  let max = Math.abs(a.total - b.total);
  for (const name of ['norm', 'popularity', 'rowSum', 'pairs'] as const) {
    expect([...a[name].keys()].sort()).toEqual([...b[name].keys()].sort());
    for (const [key, value] of a[name]) max = Math.max(max, Math.abs(value - b[name].get(key)!));
  }
  return max;
}

function learnAll(config: CooccurrenceConfigInput, events: readonly Interaction[]): ItemCooccurrence {
  const model = new ItemCooccurrence(config);
  for (const x of events) model.learn(x);
  return model;
}

/** Limits high enough never to drop anything: the condition for exact equality with the batch. */
const UNBOUNDED = { maxCandidatesPerItem: 1_000_000, maxPairs: 100_000_000 };

describe('ItemCooccurrence against a batch recompute', () => {
  it('equals the batch on the real OTTO sample (decayed to the last event and a month later)', async () => {
    const events = await ottoSampleInteractions();
    expect(events).toHaveLength(862);
    const config = { ...UNBOUNDED, halfLifeDays: 1 };
    const model = learnAll(config, events);
    expect(model.trackedEntries).toBeGreaterThan(1000);
    for (const at of [model.watermarkMs!, model.watermarkMs! + 30 * 86_400_000]) {
      const batch = recomputeCooccurrence(events, config, at);
      expect(maxDifference(model.decayedCounts(at), batch)).toBeLessThan(1e-9);
    }
  });

  it('equals the batch on a MovieLens slice through many renormalisations', async () => {
    const events = await movieLensInteractions(20_000);
    // A 2-day half-life renormalises every ~185 days; the slice spans years.
    const config = { ...UNBOUNDED, halfLifeDays: 2 };
    const model = learnAll(config, events);
    const spanDays = (events.at(-1)!.ts - events[0]!.ts) / 86_400_000;
    expect(spanDays).toBeGreaterThan(1000);
    expect(model.toSnapshot().anchorMs).toBeGreaterThan(events[0]!.ts);
    const at = model.watermarkMs!;
    const incremental = model.decayedCounts(at);
    expect(maxDifference(incremental, recomputeCooccurrence(events, config, at))).toBeLessThan(1e-9);
    // Not vacuous: recent pairs carry weight.
    expect(Math.max(...incremental.pairs.values())).toBeGreaterThan(0.5);
  });

  it('equals the batch without decay, with another window, proximity and weights', async () => {
    const events = await ottoSampleInteractions();
    const config = {
      ...UNBOUNDED,
      halfLifeDays: null,
      window: 3,
      proximityWeight: 0.5,
      sessionGapMinutes: 10,
      weights: { view: 1, cart: 4, purchase: 9 },
    };
    const model = learnAll(config, events);
    const at = model.watermarkMs!;
    expect(maxDifference(model.decayedCounts(at), recomputeCooccurrence(events, config, at))).toBeLessThan(
      1e-9,
    );
  });
});

describe('ItemCooccurrence rules', () => {
  const base = { session: 's', ts: 1_000_000 };

  it('halves a count after one half-life', () => {
    const model = new ItemCooccurrence({ halfLifeDays: 1 });
    model.learn({ ...base, item: 'a', kind: 'view' });
    model.learn({ ...base, item: 'b', kind: 'view' });
    const day = 86_400_000;
    expect(model.decayedCounts(base.ts).pairs.get('a\u0000b')).toBeCloseTo(1, 12);
    expect(model.decayedCounts(base.ts + day).pairs.get('a\u0000b')).toBeCloseTo(0.5, 12);
    expect(model.decayedCounts(base.ts + 3 * day).popularity.get('a')).toBeCloseTo(0.125, 12);
  });

  it('counts a pair once per basket: a repeated view adds nothing, a purchase adds the difference', () => {
    const model = new ItemCooccurrence({ halfLifeDays: null, weights: { view: 1, cart: 3, purchase: 5 } });
    model.learn({ ...base, item: 'a', kind: 'view' });
    model.learn({ ...base, item: 'b', kind: 'view' });
    model.learn({ ...base, item: 'a', kind: 'view' });
    model.learn({ ...base, item: 'b', kind: 'view' });
    expect(model.decayedCounts(base.ts).pairs.get('a\u0000b')).toBe(1);
    model.learn({ ...base, item: 'b', kind: 'purchase' });
    const counts = model.decayedCounts(base.ts);
    expect(counts.pairs.get('a\u0000b')).toBe(5);
    expect(counts.pairs.get('b\u0000a')).toBe(5);
    expect(counts.norm.get('b')).toBe(25);
    expect(counts.popularity.get('b')).toBe(5);
  });

  it('starts a new basket after the session gap, so the pair counts again', () => {
    const model = new ItemCooccurrence({ halfLifeDays: null, sessionGapMinutes: 30 });
    const later = base.ts + 31 * 60_000;
    for (const ts of [base.ts, later]) {
      model.learn({ ...base, ts, item: 'a', kind: 'view' });
      model.learn({ ...base, ts, item: 'b', kind: 'view' });
    }
    expect(model.decayedCounts(later).pairs.get('a\u0000b')).toBe(2);
  });

  it('pairs a new item with the `window` most recent items only, nearer ones weighing more', () => {
    const model = new ItemCooccurrence({ halfLifeDays: null, window: 2, proximityWeight: 0.5 });
    for (const item of ['a', 'b', 'c', 'd']) model.learn({ ...base, item, kind: 'view' });
    const pairs = model.decayedCounts(base.ts).pairs;
    expect(pairs.get('d\u0000c')).toBe(1);
    expect(pairs.get('d\u0000b')).toBe(0.5);
    expect(pairs.has('d\u0000a')).toBe(false);
  });
});

describe('ItemCooccurrence memory bounds', () => {
  it('keeps at most maxCandidatesPerItem neighbours per item and about maxPairs entries in all', async () => {
    const events = await movieLensInteractions(20_000);
    const model = new ItemCooccurrence({ maxCandidatesPerItem: 10, maxPairs: 20_000 });
    let largest = 0;
    for (const x of events) {
      model.learn(x);
      largest = Math.max(largest, model.trackedEntries);
    }
    // One event adds at most 2 × window entries before the bound is enforced.
    expect(largest).toBeLessThanOrEqual(20_000 + 2 * 20);
    expect(model.prunedEntries).toBeGreaterThan(0);
    const snapshot = model.toSnapshot();
    expect(Math.max(...snapshot.neighbours.map((list) => list.length))).toBeLessThanOrEqual(10);
    const unbounded = learnAll(UNBOUNDED, events);
    expect(unbounded.trackedEntries).toBeGreaterThan(5 * 20_000);
  });

  it('answers the top K neighbours, best first, K at most', async () => {
    const model = learnAll({}, await movieLensInteractions(20_000));
    const popular = model.toSnapshot().neighbours.findIndex((list) => list.length >= 100);
    const item = model.index.id(popular);
    for (const measure of ['cosine', 'llr'] as const) {
      const top = model.neighbours(item, 25, measure);
      expect(top).toHaveLength(25);
      for (let i = 1; i < top.length; i++) expect(top[i]!.score).toBeLessThanOrEqual(top[i - 1]!.score);
      expect(top.some((n) => n.item === item)).toBe(false);
    }
  });
});

describe('ItemCooccurrence neighbour lists', () => {
  it('gives the top K with their ranks in best-first order, and never a list of older counts', async () => {
    const events = await movieLensInteractions(20_001);
    const model = learnAll({}, events.slice(0, 20_000));
    const popular = model.toSnapshot().neighbours.findIndex((list) => list.length >= 100);
    const item = model.index.id(popular);
    const check = () => {
      const list = model.neighbourList(popular, 25, 'cosine', 0.9);
      const ranks = model.ranksOf(list);
      expect(list.n).toBe(25);
      const byRank = Array.from({ length: list.n }, (_, i) => i).sort((a, b) => ranks[a]! - ranks[b]!);
      expect(byRank.map((i) => ranks[i])).toEqual(Array.from({ length: list.n }, (_, r) => r));
      expect(byRank.map((i) => ({ item: model.index.id(list.items[i]!), score: list.scores[i]! }))).toEqual(
        model.neighbours(item, 25, 'cosine', 0.9),
      );
      // Read again while the counts are unchanged: the same list and ranks, not recomputed.
      expect(model.neighbourList(popular, 25, 'cosine', 0.9)).toBe(list);
      expect(model.ranksOf(list)).toBe(ranks);
      return list.scores.slice(0, list.n);
    };
    const before = check();
    // One more event with this item changes its counts: the next list is scored afresh.
    model.learn({ ...events[20_000]!, item, session: 'another' });
    expect(check()).not.toEqual(before);
  });
});

describe('ItemCooccurrence snapshots', () => {
  it('restores from a JSON round trip mid-stream and ends exactly where an uninterrupted run does', async () => {
    const events = await movieLensInteractions(10_000);
    const config = { halfLifeDays: 2, maxCandidatesPerItem: 30 };
    const whole = learnAll(config, events);
    const first = learnAll(config, events.slice(0, 6000));
    const restored = ItemCooccurrence.fromSnapshot(JSON.parse(JSON.stringify(first.toSnapshot())));
    for (const x of events.slice(6000)) restored.learn(x);
    expect(restored.toSnapshot()).toEqual(whole.toSnapshot());
    expect(restored.neighbours('1', 10, 'cosine')).toEqual(whole.neighbours('1', 10, 'cosine'));
  });

  it('refuses a damaged snapshot with a clear error', () => {
    const snapshot = new ItemCooccurrence().toSnapshot();
    expect(() => ItemCooccurrence.fromSnapshot({ ...snapshot, version: 2 as 1 })).toThrow(/version 1/);
    expect(() => ItemCooccurrence.fromSnapshot({ ...snapshot, norm: [1, 2] })).toThrow(/do not match/);
  });
});

describe('ItemCooccurrence neighbour reads between learned events', () => {
  // The API asks between learned batches; the same items come up again with the same k and measure.
  it.each(['cosine', 'llr'] as const)(
    'answers by %s exactly what a model without cached reads scores, while learning goes on',
    async (measure) => {
      // MovieLens: popular films come back again and again, so their neighbours keep changing.
      const events = await movieLensInteractions(6000);
      const live = new ItemCooccurrence({ halfLifeDays: 30 });
      let asked = 0;
      for (let i = 0; i < events.length; i++) {
        live.learn(events[i]!);
        if (i % 500 !== 499) continue;
        // Items of recent events: those whose neighbours the events since the last round changed.
        const items = [...new Set(events.slice(Math.max(0, i - 300), i + 1).map((x) => x.item))];
        // A model restored from the same state has read nothing yet: it scores everything afresh.
        const fresh = ItemCooccurrence.fromSnapshot(live.toSnapshot());
        for (const item of items) {
          const answer = live.neighbours(item, 5, measure, 0.6);
          asked += answer.length;
          expect(live.neighbours(item, 5, measure, 0.6)).toEqual(answer);
          expect(answer).toEqual(fresh.neighbours(item, 5, measure, 0.6));
        }
      }
      // Not vacuous: the items asked about have neighbours.
      expect(asked).toBeGreaterThan(100);
      // Another k is another answer, not the last one cut short or padded.
      const item = events.at(-1)!.item;
      const fresh = ItemCooccurrence.fromSnapshot(live.toSnapshot());
      for (const k of [3, 8])
        expect(live.neighbours(item, k, measure, 0.6)).toEqual(fresh.neighbours(item, k, measure, 0.6));
    },
  );
});
