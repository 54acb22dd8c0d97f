/**
 * A hash map from an ordered pair of item indices to a small non-negative integer (here: the
 * position of the pair in the first item's neighbour list). Open addressing with linear probing over
 * three Int32Arrays, 12 bytes a slot: no object per entry, nothing for the GC to chase, where a JS
 * Map keyed by `${a},${b}` would allocate a string per lookup.
 */
const EMPTY = -1;
const MAX_LOAD = 0.7;

export class PairIndex {
  private keysA: Int32Array;
  private keysB: Int32Array;
  private values: Int32Array;
  private mask: number;
  private count = 0;

  constructor(initialCapacity = 1024) {
    let capacity = 16;
    while (capacity < initialCapacity / MAX_LOAD) capacity *= 2;
    this.keysA = new Int32Array(capacity).fill(EMPTY);
    this.keysB = new Int32Array(capacity);
    this.values = new Int32Array(capacity);
    this.mask = capacity - 1;
  }

  get size(): number {
    return this.count;
  }

  /** Bytes held by the slots. */
  get bytes(): number {
    return (this.mask + 1) * 12;
  }

  /** The pair's value, or -1 when absent. */
  get(a: number, b: number): number {
    let slot = hash(a, b) & this.mask;
    for (;;) {
      const ka = this.keysA[slot]!;
      if (ka === EMPTY) return -1;
      if (ka === a && this.keysB[slot] === b) return this.values[slot]!;
      slot = (slot + 1) & this.mask;
    }
  }

  /**
   * Where the pair is: its table slot (≥ 0) when present, else the bitwise complement of the empty
   * slot where `insertAt` would put it. One probe for a read-modify-write.
   */
  probe(a: number, b: number): number {
    let slot = hash(a, b) & this.mask;
    for (;;) {
      const ka = this.keysA[slot]!;
      if (ka === EMPTY) return ~slot;
      if (ka === a && this.keysB[slot] === b) return slot;
      slot = (slot + 1) & this.mask;
    }
  }

  /** The value in a slot `probe` found. */
  valueAt(slot: number): number {
    return this.values[slot]!;
  }

  /** Replaces the value in a slot `probe` found. */
  setValueAt(slot: number, value: number): void {
    this.values[slot] = value;
  }

  /** Inserts the pair at `~probe(a, b)`; valid only until the next insert or delete. */
  insertAt(empty: number, a: number, b: number, value: number): void {
    this.keysA[empty] = a;
    this.keysB[empty] = b;
    this.values[empty] = value;
    this.count += 1;
    if (this.count > (this.mask + 1) * MAX_LOAD) this.resize((this.mask + 1) * 2);
  }

  /** Sets the pair's value, inserting it when absent. */
  set(a: number, b: number, value: number): void {
    let slot = hash(a, b) & this.mask;
    for (;;) {
      const ka = this.keysA[slot]!;
      if (ka === EMPTY) break;
      if (ka === a && this.keysB[slot] === b) {
        this.values[slot] = value;
        return;
      }
      slot = (slot + 1) & this.mask;
    }
    this.keysA[slot] = a;
    this.keysB[slot] = b;
    this.values[slot] = value;
    this.count += 1;
    if (this.count > (this.mask + 1) * MAX_LOAD) this.resize((this.mask + 1) * 2);
  }

  /** Removes the pair; backward-shift deletion keeps probe chains intact without tombstones. */
  delete(a: number, b: number): boolean {
    const mask = this.mask;
    let slot = hash(a, b) & mask;
    for (;;) {
      const ka = this.keysA[slot]!;
      if (ka === EMPTY) return false;
      if (ka === a && this.keysB[slot] === b) break;
      slot = (slot + 1) & mask;
    }
    let next = (slot + 1) & mask;
    for (;;) {
      const ka = this.keysA[next]!;
      if (ka === EMPTY) break;
      const home = hash(ka, this.keysB[next]!) & mask;
      // `next` may fill the hole unless its home lies cyclically in (hole, next].
      const stays = slot <= next ? slot < home && home <= next : slot < home || home <= next;
      if (!stays) {
        this.keysA[slot] = ka;
        this.keysB[slot] = this.keysB[next]!;
        this.values[slot] = this.values[next]!;
        slot = next;
      }
      next = (next + 1) & mask;
    }
    this.keysA[slot] = EMPTY;
    this.count -= 1;
    return true;
  }

  private resize(capacity: number): void {
    const { keysA, keysB, values } = this;
    this.keysA = new Int32Array(capacity).fill(EMPTY);
    this.keysB = new Int32Array(capacity);
    this.values = new Int32Array(capacity);
    this.mask = capacity - 1;
    this.count = 0;
    for (let i = 0; i < keysA.length; i++) {
      const a = keysA[i]!;
      if (a !== EMPTY) this.set(a, keysB[i]!, values[i]!);
    }
  }
}

function hash(a: number, b: number): number {
  let h = Math.imul(a, 0x9e3779b1) ^ Math.imul(b + 0x7f4a7c15, 0x85ebca77);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  return (h ^ (h >>> 13)) >>> 0;
}
