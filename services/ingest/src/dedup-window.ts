/**
 * Remembers roughly the last `capacity` ids in two generations: when the
 * young one fills, the old one is dropped. Constant memory, O(1) checks; ids
 * older than the window are left to ClickHouse's ReplacingMergeTree.
 */
export class DedupWindow {
  private young = new Set<string>();
  private old = new Set<string>();
  private readonly half: number;

  /** `capacity` 0 turns the window off (INGEST_DEDUP_WINDOW=0): nothing is remembered. */
  constructor(capacity: number) {
    this.half = capacity <= 0 ? 0 : Math.max(1, Math.floor(capacity / 2));
  }

  /** True when the id was seen within the window; otherwise records it. */
  seen(id: string): boolean {
    if (this.half === 0) return false;
    if (this.young.has(id) || this.old.has(id)) return true;
    if (this.young.size >= this.half) {
      this.old = this.young;
      this.young = new Set();
    }
    this.young.add(id);
    return false;
  }

  /** Forgets an id (its row was not stored after all, e.g. dead-lettered). */
  forget(id: string): void {
    this.young.delete(id);
    this.old.delete(id);
  }

  get size(): number {
    return this.young.size + this.old.size;
  }
}
