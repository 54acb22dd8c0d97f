/**
 * Remembers the last `capacity` message ids, first in first out, as 64-bit
 * hashes in preallocated typed arrays: an open-addressing table (linear
 * probing, deletion by backward shift, so no tombstones pile up) and a ring
 * in arrival order that says which id leaves when a new one comes.
 *
 * Two Sets of strings held the same million ids in about 90 MB that grew
 * while they filled and left 45 MB of garbage at each turn; this holds them
 * in 34 MB, all of it touched when the window is made, so the process's
 * memory is flat from its start. Ids older than the window are left to
 * ClickHouse's ReplacingMergeTree.
 *
 * Two different ids share a 64-bit hash with probability about
 * capacity / 2^64 per lookup (5e-14 at a million): such an event would be
 * counted as a duplicate (`outcome="duplicate"`), which is far rarer than
 * two clients generating the same messageId.
 */
export class DedupWindow {
  readonly capacity: number;
  private readonly mask: number;
  private readonly hi: Uint32Array;
  private readonly lo: Uint32Array;
  private readonly used: Uint8Array;
  /** The ring position of each table entry: eviction removes an id only if it is still that arrival. */
  private readonly arrival: Uint32Array;
  private readonly ringHi: Uint32Array;
  private readonly ringLo: Uint32Array;
  private ringHead = 0;
  private ringSize = 0;
  private entries = 0;

  /** `capacity` 0 turns the window off (INGEST_DEDUP_WINDOW=0): nothing is remembered. */
  constructor(capacity: number) {
    this.capacity = Math.max(0, Math.floor(capacity));
    // At most half full, so probes stay short.
    let slots = 1;
    while (slots < this.capacity * 2) slots *= 2;
    this.mask = slots - 1;
    const tableSlots = this.capacity === 0 ? 0 : slots;
    this.hi = new Uint32Array(tableSlots);
    this.lo = new Uint32Array(tableSlots);
    this.used = new Uint8Array(tableSlots);
    this.arrival = new Uint32Array(tableSlots);
    this.ringHi = new Uint32Array(this.capacity);
    this.ringLo = new Uint32Array(this.capacity);
    // Zeroed memory is only mapped when first written: written now, so that
    // the window's memory counts from the start instead of growing with traffic.
    for (const array of [this.hi, this.lo, this.used, this.arrival, this.ringHi, this.ringLo])
      array.fill(1).fill(0);
  }

  /** True when the id was seen within the window; otherwise records it. */
  seen(id: string): boolean {
    if (this.capacity === 0) return false;
    hash64(id);
    const hi = hashHi;
    const lo = hashLo;
    if (this.find(hi, lo) >= 0) return true;
    if (this.ringSize === this.capacity) {
      const oldest = this.ringHead;
      const at = this.find(this.ringHi[oldest]!, this.ringLo[oldest]!);
      // Not if the id was forgotten and came again: its newer arrival stays.
      if (at >= 0 && this.arrival[at] === oldest) this.remove(at);
      this.ringHead = (oldest + 1) % this.capacity;
      this.ringSize -= 1;
    }
    const tail = (this.ringHead + this.ringSize) % this.capacity;
    this.ringHi[tail] = hi;
    this.ringLo[tail] = lo;
    this.ringSize += 1;
    this.insert(hi, lo, tail);
    return false;
  }

  /**
   * Forgets an id (its row was not stored after all, e.g. dead-lettered). Its
   * place in the ring stays, empty: the window holds one id fewer until that
   * place leaves.
   */
  forget(id: string): void {
    if (this.capacity === 0) return;
    hash64(id);
    const at = this.find(hashHi, hashLo);
    if (at >= 0) this.remove(at);
  }

  /** Ids remembered now. */
  get size(): number {
    return this.entries;
  }

  private find(hi: number, lo: number): number {
    for (let i = lo & this.mask; this.used[i] === 1; i = (i + 1) & this.mask) {
      if (this.lo[i] === lo && this.hi[i] === hi) return i;
    }
    return -1;
  }

  private insert(hi: number, lo: number, arrival: number): void {
    let i = lo & this.mask;
    while (this.used[i] === 1) i = (i + 1) & this.mask;
    this.used[i] = 1;
    this.hi[i] = hi;
    this.lo[i] = lo;
    this.arrival[i] = arrival;
    this.entries += 1;
  }

  /** Empties slot `at` and moves later entries of its probe run back, so every lookup still finds them. */
  private remove(at: number): void {
    let hole = at;
    let i = at;
    for (;;) {
      i = (i + 1) & this.mask;
      if (this.used[i] !== 1) break;
      const home = this.lo[i]! & this.mask;
      // The entry at i may fill the hole only if its home is not cyclically within (hole, i].
      const movable = hole <= i ? home <= hole || home > i : home <= hole && home > i;
      if (movable) {
        this.hi[hole] = this.hi[i]!;
        this.lo[hole] = this.lo[i]!;
        this.arrival[hole] = this.arrival[i]!;
        hole = i;
      }
    }
    this.used[hole] = 0;
    this.entries -= 1;
  }
}

// The last hash64 result: two numbers without allocating a pair per event.
let hashHi = 0;
let hashLo = 0;

/** 64 bits of hash of a string in two 32-bit lanes (the mixing of cyrb53), into hashHi and hashLo. */
function hash64(s: string): void {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  hashHi = h2 >>> 0;
  hashLo = h1 >>> 0;
}
