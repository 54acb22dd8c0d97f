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
