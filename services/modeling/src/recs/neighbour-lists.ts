import { PairIndex } from './pair-table.js';
import { selectTop } from './top-k.js';

const HOLE = -1;

/**
 * Per item, the neighbours it tracks and a value for each (a decayed co-occurrence count), stored as
 * two parallel arrays so that scoring an item's neighbours reads memory in order; a PairIndex finds
 * the slot of (item, neighbour) for updates. Entries are directed: (a, b) and (b, a) are kept,
 * counted and dropped independently, so a rare item keeps its neighbours when a popular one drops it.
 *
 * Dropping is the hot path of a bounded state (most pairs of a long tail are seen once and dropped
 * later), so it touches nothing but the list: the slot becomes a hole for the next insert of that
 * item, and the index entry is left to go stale. A lookup checks the slot still holds the pair it
 * expects; the index is rebuilt from the lists when stale entries outnumber live ones, which costs
 * less than one insert per drop. Slot positions never influence results (ties are broken by item
 * index) nor snapshots (entries are listed by neighbour index).
 *
 * Memory per entry: an id and a float in the lists (16 bytes), an index slot (12 bytes at a load
 * between 0.35 and 0.7, stale entries included), and holes up to a fifth of the lists.
 */
export class NeighbourLists {
  private readonly ids: number[][] = [];
  private readonly values: number[][] = [];
  private readonly holes: number[][] = [];
  private index = new PairIndex();
  private live = 0;
  // Scratch for pruning.
  private positions = new Int32Array(64);
  private scores = new Float64Array(64);

  get entries(): number {
    return this.live;
  }

  /** Makes sure items 0..item have (possibly empty) lists. */
  ensure(item: number): void {
    while (this.ids.length <= item) {
      this.ids.push([]);
      this.values.push([]);
      this.holes.push([]);
    }
  }

  /** The slots of `item`: neighbour ids, HOLE (-1) for an empty slot. Do not modify. */
  idsOf(item: number): readonly number[] {
    return this.ids[item] ?? EMPTY;
  }

  /** The values, parallel to `idsOf(item)`. Do not modify. */
  valuesOf(item: number): readonly number[] {
    return this.values[item] ?? EMPTY;
  }

  /** Live entries of `item`. */
  countOf(item: number): number {
    return (this.ids[item]?.length ?? 0) - (this.holes[item]?.length ?? 0);
  }

  get(item: number, other: number): number {
    const at = this.slotOf(item, other);
    return at < 0 ? 0 : this.values[item]![at]!;
  }

  /** Adds `delta` to (item, other); returns item's live entries after it. */
  add(item: number, other: number, delta: number): number {
    const ids = this.ids[item]!;
    const values = this.values[item]!;
    const holes = this.holes[item]!;
    const found = this.index.probe(item, other);
    if (found >= 0) {
      const at = this.index.valueAt(found);
      if (ids[at] === other) {
        values[at]! += delta;
        return ids.length - holes.length;
      }
    }
    const slot = holes.length > 0 ? holes.pop()! : ids.length;
    ids[slot] = other;
    values[slot] = delta;
    // A stale index entry (the pair was dropped) is pointed at the new slot.
    if (found >= 0) this.index.setValueAt(found, slot);
    else this.index.insertAt(~found, item, other, slot);
    this.live += 1;
    return ids.length - holes.length;
  }

  /**
   * Keeps the `keep` entries of `item` with the largest values (ties: the smaller neighbour index)
   * and drops the others; returns how many were dropped.
   */
  keepStrongest(item: number, keep: number): number {
    const ids = this.ids[item]!;
    const values = this.values[item]!;
    let n = 0;
    if (this.positions.length < ids.length) {
      this.positions = new Int32Array(ids.length * 2);
      this.scores = new Float64Array(ids.length * 2);
    }
    // selectTop orders by (score, id): ids as the "items", so ties go to the smaller neighbour.
    for (let slot = 0; slot < ids.length; slot++) {
      if (ids[slot] === HOLE) continue;
      this.positions[n] = ids[slot]!;
      this.scores[n++] = values[slot]!;
    }
    if (n <= keep) return 0;
    selectTop(this.positions, this.scores, n, keep);
    // The weakest kept: an entry goes when it ranks after it.
    let worstScore = Number.POSITIVE_INFINITY;
    let worstId = -1;
    for (let i = 0; i < keep; i++) {
      const s = this.scores[i]!;
      const id = this.positions[i]!;
      if (s < worstScore || (s === worstScore && id > worstId)) {
        worstScore = s;
        worstId = id;
      }
    }
    return this.drop(item, (id, value) => value < worstScore || (value === worstScore && id > worstId));
  }

  /** Drops every entry whose value fails `keep`; returns how many were dropped. */
  filter(keep: (value: number) => boolean): number {
    let dropped = 0;
    for (let item = 0; item < this.ids.length; item++)
      dropped += this.drop(item, (_id, value) => !keep(value));
    return dropped;
  }

  scale(factor: number): void {
    for (const values of this.values) for (let i = 0; i < values.length; i++) values[i]! *= factor;
  }

  /** Every live value, for quantiles. */
  allValues(): Float64Array {
    const out = new Float64Array(this.live);
    let n = 0;
    for (let item = 0; item < this.ids.length; item++) {
      const ids = this.ids[item]!;
      const values = this.values[item]!;
      for (let i = 0; i < ids.length; i++) if (ids[i] !== HOLE) out[n++] = values[i]!;
    }
    return out;
  }

  /** Live entries of `item` as [neighbour, value] sorted by neighbour: the canonical form. */
  entriesOf(item: number): Array<[number, number]> {
    const ids = this.ids[item] ?? EMPTY;
    const values = this.values[item] ?? EMPTY;
    const out: Array<[number, number]> = [];
    for (let i = 0; i < ids.length; i++) if (ids[i] !== HOLE) out.push([ids[i]!, values[i]!]);
    return out.sort((a, b) => a[0] - b[0]);
  }

  /** Approximate bytes: list slots (8 for a small-integer id, 8 for a float) and index slots. */
  get bytes(): number {
    let slots = 0;
    for (const ids of this.ids) slots += ids.length;
    return this.index.bytes + slots * 16;
  }

  private slotOf(item: number, other: number): number {
    const at = this.index.get(item, other);
    return at >= 0 && this.ids[item]![at] === other ? at : -1;
  }

  private drop(item: number, gone: (id: number, value: number) => boolean): number {
    const ids = this.ids[item]!;
    const values = this.values[item]!;
    const holes = this.holes[item]!;
    let dropped = 0;
    for (let slot = 0; slot < ids.length; slot++) {
      const id = ids[slot]!;
      if (id === HOLE || !gone(id, values[slot]!)) continue;
      ids[slot] = HOLE;
      values[slot] = 0;
      holes.push(slot);
      dropped += 1;
    }
    // Trailing holes shrink the list instead of waiting for reuse.
    while (ids.length > 0 && ids[ids.length - 1] === HOLE) {
      ids.pop();
      values.pop();
    }
    if (holes.length > 0 && holes.some((h) => h >= ids.length)) {
      const kept = holes.filter((h) => h < ids.length);
      holes.length = 0;
      holes.push(...kept);
    }
    this.live -= dropped;
    if (this.index.size > 2 * this.live + 4096) this.rebuildIndex();
    return dropped;
  }

  private rebuildIndex(): void {
    const index = new PairIndex(this.live * 2);
    for (let item = 0; item < this.ids.length; item++) {
      const ids = this.ids[item]!;
      for (let slot = 0; slot < ids.length; slot++) if (ids[slot] !== HOLE) index.set(item, ids[slot]!, slot);
    }
    this.index = index;
  }
}

const EMPTY: readonly number[] = [];
