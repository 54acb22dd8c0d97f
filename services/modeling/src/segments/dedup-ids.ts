/**
 * The last `capacity` message ids, to count a redelivered event once (Kafka delivers at least once;
 * a client may resend a batch). Bounded: the oldest id is forgotten first.
 */
export class RecentIds {
  private readonly ring: string[];
  private readonly present = new Set<string>();
  private next = 0;

  constructor(readonly capacity: number) {
    this.ring = new Array<string>(capacity).fill('');
  }

  /** True when the id is new (and remembers it), false for a repeat. */
  add(id: string): boolean {
    if (this.capacity === 0) return true;
    if (this.present.has(id)) return false;
    const evicted = this.ring[this.next]!;
    if (evicted !== '') this.present.delete(evicted);
    this.ring[this.next] = id;
    this.present.add(id);
    this.next = (this.next + 1) % this.capacity;
    return true;
  }

  /** Oldest first. */
  toJSON(): string[] {
    const ids: string[] = [];
    for (let i = 0; i < this.capacity; i += 1) {
      const id = this.ring[(this.next + i) % this.capacity]!;
      if (id !== '') ids.push(id);
    }
    return ids;
  }

  static from(ids: readonly string[], capacity: number): RecentIds {
    const recent = new RecentIds(capacity);
    for (const id of ids) recent.add(id);
    return recent;
  }
}
