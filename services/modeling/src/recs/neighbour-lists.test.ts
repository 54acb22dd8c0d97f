import { describe, expect, it } from 'vitest';
import { NeighbourLists } from './neighbour-lists.js';
import { seededRandom } from './randomized-svd.js';

/** The same semantics in the plainest form: a Map per item, sorted on every prune. */
class Reference {
  readonly lists = new Map<number, Map<number, number>>();
  add(item: number, other: number, delta: number): number {
    const list = this.lists.get(item) ?? new Map<number, number>();
    this.lists.set(item, list);
    list.set(other, (list.get(other) ?? 0) + delta);
    return list.size;
  }
  keepStrongest(item: number, keep: number): void {
    const list = this.lists.get(item)!;
    const sorted = [...list].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
    for (const [other] of sorted.slice(keep)) list.delete(other);
  }
  filter(keep: (value: number) => boolean): void {
    for (const list of this.lists.values()) for (const [other, v] of list) if (!keep(v)) list.delete(other);
  }
  entriesOf(item: number): Array<[number, number]> {
    return [...(this.lists.get(item) ?? [])].sort((a, b) => a[0] - b[0]);
  }
}

describe('NeighbourLists', () => {
  it('matches a plain Map under adds, prunes and filters, holes and stale index entries included', () => {
    const lists = new NeighbourLists();
    const reference = new Reference();
    const random = seededRandom(12);
    lists.ensure(29);
    for (let step = 0; step < 60_000; step++) {
      const item = Math.floor(random() * 30);
      const other = Math.floor(random() * 200);
      // Few distinct deltas: ties in value exercise the tie-break by neighbour index.
      const delta = 1 + Math.floor(random() * 3);
      const size = lists.add(item, other, delta);
      expect(size).toBe(reference.add(item, other, delta));
      if (size > 25) {
        lists.keepStrongest(item, 20);
        reference.keepStrongest(item, 20);
      }
      if (step % 10_000 === 9_999) {
        lists.filter((v) => v > 4);
        reference.filter((v) => v > 4);
      }
    }
    let live = 0;
    for (let item = 0; item < 30; item++) {
      expect(lists.entriesOf(item)).toEqual(reference.entriesOf(item));
      expect(lists.countOf(item)).toBe(reference.entriesOf(item).length);
      for (const [other, value] of reference.entriesOf(item)) expect(lists.get(item, other)).toBe(value);
      live += lists.countOf(item);
    }
    expect(lists.entries).toBe(live);
    expect(lists.get(0, 100_000)).toBe(0);
  });
});
