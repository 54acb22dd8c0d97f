/**
 * Item ids as dense integers, in order of first appearance: the models keep their numbers in typed
 * arrays indexed by these. The order is part of a snapshot, so a restored model numbers (and breaks
 * ties) exactly as the one that saved it.
 */
export class ItemIndex {
  private readonly ids: string[] = [];
  private readonly byId = new Map<string, number>();

  static from(ids: readonly string[]): ItemIndex {
    const index = new ItemIndex();
    for (const id of ids) index.intern(id);
    return index;
  }

  get size(): number {
    return this.ids.length;
  }

  intern(id: string): number {
    let idx = this.byId.get(id);
    if (idx === undefined) {
      idx = this.ids.length;
      this.ids.push(id);
      this.byId.set(id, idx);
    }
    return idx;
  }

  /** The index, or -1 for an item never seen. */
  lookup(id: string): number {
    return this.byId.get(id) ?? -1;
  }

  id(idx: number): string {
    return this.ids[idx]!;
  }

  toArray(): string[] {
    return this.ids.slice();
  }
}

/**
 * Numbers the candidates of one answer 0, 1, 2... in order of first `intern` since the last `clear`,
 * as a fresh ItemIndex would, without a Map per answer: a cleared Map gives its table back and grows
 * it again entry by entry, which was most of what a recommendation allocated (70 KB a request, and
 * the collections that garbage caused stalled the API), and hashing each candidate's id was a third
 * of an answer's time. The caller names each candidate by a dense slot number (an item index, a
 * document number past the item indices); a slot stamped with the current answer's generation holds
 * the candidate's number in this answer.
 */
export class AnswerIndex {
  private local = new Int32Array(1024);
  private stamp = new Int32Array(1024);
  private generation = 1;
  private readonly ids: string[] = [];
  private used = 0;

  get size(): number {
    return this.used;
  }

  /** Starts a new answer: every slot is unnumbered again. */
  clear(): void {
    this.used = 0;
    this.generation += 1;
    if (this.generation === 0x7fffffff) {
      this.stamp.fill(0);
      this.generation = 1;
    }
  }

  /** The number of the candidate in slot `slot` (whose id is `id`), given on its first intern in this answer. */
  intern(slot: number, id: string): number {
    if (slot >= this.stamp.length) this.grow(slot + 1);
    if (this.stamp[slot] !== this.generation) {
      this.stamp[slot] = this.generation;
      this.local[slot] = this.used;
      this.ids[this.used] = id;
      this.used += 1;
    }
    return this.local[slot]!;
  }

  id(idx: number): string {
    return this.ids[idx]!;
  }

  private grow(length: number): void {
    let capacity = this.stamp.length;
    while (capacity < length) capacity *= 2;
    const stamp = new Int32Array(capacity);
    stamp.set(this.stamp);
    const local = new Int32Array(capacity);
    local.set(this.local);
    this.stamp = stamp;
    this.local = local;
  }
}

/** A Float64Array that grows by doubling; `at` past the end reads 0. */
export class GrowableFloats {
  private data: Float64Array;
  private used = 0;

  constructor(values: readonly number[] = []) {
    this.data = new Float64Array(Math.max(16, values.length));
    this.data.set(values);
    this.used = values.length;
  }

  get length(): number {
    return this.used;
  }

  get bytes(): number {
    return this.data.byteLength;
  }

  at(i: number): number {
    return i < this.used ? this.data[i]! : 0;
  }

  add(i: number, delta: number): void {
    this.ensure(i + 1);
    this.data[i]! += delta;
  }

  set(i: number, value: number): void {
    this.ensure(i + 1);
    this.data[i] = value;
  }

  scale(factor: number): void {
    for (let i = 0; i < this.used; i++) this.data[i]! *= factor;
  }

  toArray(): number[] {
    return Array.from(this.data.subarray(0, this.used));
  }

  private ensure(length: number): void {
    if (length <= this.used) return;
    if (length > this.data.length) {
      let capacity = this.data.length;
      while (capacity < length) capacity *= 2;
      const next = new Float64Array(capacity);
      next.set(this.data.subarray(0, this.used));
      this.data = next;
    }
    this.used = length;
  }
}
