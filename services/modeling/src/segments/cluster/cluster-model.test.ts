import { describe, expect, it } from 'vitest';
import { CustomerProfiles } from '../profiles.js';
import { seededRandom } from '../random.js';
import { day, order, refund } from '../test-support.js';
import { ClusterModel, OUTLIERS } from './cluster-model.js';
import { keepsCluster } from './hysteresis.js';

const NOW = day(400);

/** 3 behaviours × 80 customers, and two extreme wholesalers. */
function population(): CustomerProfiles {
  const random = seededRandom(9);
  const jitter = (x: number) => x * (0.8 + 0.4 * random());
  const profiles = new CustomerProfiles();
  for (let i = 0; i < 80; i += 1) {
    // Frequent, recent, big baskets of many products.
    const orders = 10 + Math.floor(random() * 6);
    for (let o = 0; o < orders; o += 1) {
      const products = Array.from({ length: 8 }, (_, p) => `w${(i + o + p) % 60}`);
      profiles.apply(
        order(`frequent-${i}`, day(400 - 30 * o - Math.floor(random() * 10)), jitter(400), products, 40),
      );
    }
    // One order long ago, small.
    profiles.apply(order(`oneoff-${i}`, day(50 + Math.floor(random() * 100)), jitter(25), [`o${i % 5}`], 2));
    // A few medium orders, lapsed for ~200 days, one refund.
    for (let o = 0; o < 4; o += 1) {
      profiles.apply(
        order(
          `lapsed-${i}`,
          day(150 + 10 * o + Math.floor(random() * 5)),
          jitter(100),
          [`l${i % 9}`, `l${o}`],
          6,
        ),
      );
    }
    profiles.apply(refund(`lapsed-${i}`, day(190), jitter(30)));
  }
  for (const key of ['giant-1', 'giant-2']) {
    for (let o = 0; o < 60; o += 1) {
      profiles.apply(
        order(
          key,
          day(400 - 5 * o),
          20_000,
          Array.from({ length: 40 }, (_, p) => `g${p}`),
          5_000,
        ),
      );
    }
  }
  return profiles;
}

const groupOf = (key: string) => key.split('-')[0]!;

describe('behavioural clusters', () => {
  it('separates the behaviours, keeps the extremes out as DBSCAN outliers, and describes clusters in words', () => {
    const profiles = population();
    const model = new ClusterModel({ kMin: 2, kMax: 5 });
    model.refresh(profiles, NOW);
    expect(model.labelOf('giant-1')).toBe(OUTLIERS);
    expect(model.labelOf('giant-2')).toBe(OUTLIERS);
    // Customers of one behaviour share a cluster; different behaviours do not.
    const labelsByGroup = new Map<string, Set<string>>();
    for (const [key, label] of model.allLabels()) {
      if (label === OUTLIERS) continue;
      const set = labelsByGroup.get(groupOf(key)) ?? new Set();
      set.add(label);
      labelsByGroup.set(groupOf(key), set);
    }
    expect([...labelsByGroup.values()].every((set) => set.size === 1)).toBe(true);
    expect(new Set([...labelsByGroup.values()].map((set) => [...set][0])).size).toBe(3);
    const report = model.report!;
    expect(report.k).toBe(3);
    expect(report.silhouette).toBeGreaterThan(0.5);
    const frequent = report.clusters.find((c) => c.id === model.labelOf('frequent-0'))!;
    expect(frequent.description).toMatch(/frequent/);
    expect(frequent.description).toMatch(/recent/);
    expect(frequent.center.orders).toBeGreaterThan(9);
  });

  it('does not flap: a refit on the same data, or with another seed, relabels nobody and keeps the ids', () => {
    const profiles = population();
    const model = new ClusterModel({ kMin: 2, kMax: 5 });
    model.refresh(profiles, NOW);
    const ids = model.report!.clusters.map((c) => c.id).sort();
    expect(model.refresh(profiles, NOW)).toEqual([]);
    const reseeded = ClusterModel.restore(JSON.parse(JSON.stringify(model.snapshot())), {
      kMin: 2,
      kMax: 5,
      seed: 77,
    });
    expect(reseeded.refresh(profiles, NOW)).toEqual([]);
    expect(reseeded.report!.clusters.map((c) => c.id).sort()).toEqual(ids);
  });

  it('after a month of time passing and new orders, moves only the customers whose behaviour changed', () => {
    const profiles = population();
    const model = new ClusterModel({ kMin: 2, kMax: 5 });
    model.refresh(profiles, NOW);
    const before = new Map(model.allLabels());
    for (let o = 0; o < 12; o += 1) {
      profiles.apply(
        order(
          'oneoff-3',
          day(401 + 2 * o),
          450,
          Array.from({ length: 8 }, (_, p) => `w${p + o}`),
          40,
        ),
      );
    }
    const changes = model.refresh(profiles, day(430));
    const moved = new Set(changes.map((c) => c.userKey));
    expect(moved).toEqual(new Set(['oneoff-3']));
    // A year as a one-off then a burst of big orders fits no group: DBSCAN calls it an outlier.
    expect(model.labelOf('oneoff-3')).not.toBe(before.get('oneoff-3'));
    expect(model.report!.clusters.map((c) => c.id).sort()).toEqual(
      [...new Set([...before.values()].filter((l) => l !== OUTLIERS))].sort(),
    );
  });

  it('places a customer between refits, on their own events', () => {
    const profiles = population();
    const model = new ClusterModel({ kMin: 2, kMax: 5 });
    model.refresh(profiles, NOW);
    const changes = [];
    // A newcomer whose history, once in, is a frequent buyer's.
    for (let o = 14; o >= 0; o -= 1) {
      const products = Array.from({ length: 8 }, (_, p) => `w${(o + p) % 60}`);
      const profile = profiles.apply(order('newcomer', day(400 - 30 * o), 400, products, 40))!;
      changes.push(...model.assign(profile, NOW));
    }
    expect(model.labelOf('newcomer')).toBe(model.labelOf('frequent-0'));
    expect(changes[0]?.change).toBe('entered');
    expect(changes.at(-1)).toMatchObject({
      change: 'entered',
      segment: `cluster:${model.labelOf('frequent-0')}`,
    });
    // Every exit is followed by the matching entry: one cluster at a time.
    expect(changes.length % 2).toBe(1);
    for (let i = 1; i < changes.length; i += 2) {
      expect([changes[i]!.change, changes[i + 1]!.change]).toEqual(['exited', 'entered']);
    }
  });

  it('restores from a snapshot to the same labels and model', () => {
    const profiles = population();
    const model = new ClusterModel({ kMin: 2, kMax: 5 });
    model.refresh(profiles, NOW);
    const copy = ClusterModel.restore(JSON.parse(JSON.stringify(model.snapshot())), { kMin: 2, kMax: 5 });
    expect([...copy.allLabels()]).toEqual([...model.allLabels()]);
    expect(copy.version).toBe(model.version);
    expect(copy.report).toEqual(model.report);
  });
});

describe('hysteresis', () => {
  it('keeps the current cluster while it is at most 10 % farther than the nearest', () => {
    expect(keepsCluster(1, 0, 1.05 ** 2, 1, 0.1)).toBe(true);
    expect(keepsCluster(1, 0, 1.2 ** 2, 1, 0.1)).toBe(false);
    expect(keepsCluster(0, 0, 5, 5, 0.1)).toBe(true);
    expect(keepsCluster(-1, 0, Number.POSITIVE_INFINITY, 1, 0.1)).toBe(false); // cluster gone, or new customer
  });
});
