/**
 * Min-heap of (time, key): when each customer's next windowed event falls out of its window. One
 * entry per key, moved in place when the customer's next expiry changes: a queue that only ever
 * pushed (skipping superseded entries when they came due) grew by an entry per event for as long as
 * the window, since every event that moves a capped window's oldest entry reschedules it. So the
 * queue holds at most one entry per customer with a windowed event. Ties are broken by key, so the
 * order of expiries (and so of change records) does not depend on the heap's history.
 */
export class ExpiryQueue {
  private readonly times: number[] = [];
  private readonly keys: string[] = [];
  private readonly positions = new Map<string, number>();

  get size(): number {
    return this.times.length;
  }

  /** The key's entry, or undefined. */
  timeOf(key: string): number | undefined {
    const at = this.positions.get(key);
    return at === undefined ? undefined : this.times[at];
  }

  /** Sets (adds or moves) the key's one entry. */
  set(time: number, key: string): void {
    const at = this.positions.get(key);
    if (at === undefined) {
      this.times.push(time);
      this.keys.push(key);
      this.positions.set(key, this.times.length - 1);
      this.up(this.times.length - 1);
      return;
    }
    const before = this.times[at]!;
    if (before === time) return;
    this.times[at] = time;
    if (time < before) this.up(at);
    else this.down(at);
  }

  /** Removes the key's entry; whether it had one. */
  delete(key: string): boolean {
    const at = this.positions.get(key);
    if (at === undefined) return false;
    this.removeAt(at);
    return true;
  }

  peekTime(): number | undefined {
    return this.times[0];
  }

  pop(): { time: number; key: string } | undefined {
    if (this.times.length === 0) return undefined;
    const top = { time: this.times[0]!, key: this.keys[0]! };
    this.removeAt(0);
    return top;
  }

  private removeAt(at: number): void {
    this.positions.delete(this.keys[at]!);
    const lastTime = this.times.pop()!;
    const lastKey = this.keys.pop()!;
    if (at === this.times.length) return;
    this.times[at] = lastTime;
    this.keys[at] = lastKey;
    this.positions.set(lastKey, at);
    this.down(at);
    this.up(at);
  }

  private up(start: number): void {
    let i = start;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  private down(start: number): void {
    let i = start;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < this.times.length && this.less(left, smallest)) smallest = left;
      if (right < this.times.length && this.less(right, smallest)) smallest = right;
      if (smallest === i) break;
      this.swap(i, smallest);
      i = smallest;
    }
  }

  private less(a: number, b: number): boolean {
    const ta = this.times[a]!;
    const tb = this.times[b]!;
    return ta < tb || (ta === tb && this.keys[a]! < this.keys[b]!);
  }

  private swap(a: number, b: number): void {
    [this.times[a], this.times[b]] = [this.times[b]!, this.times[a]!];
    [this.keys[a], this.keys[b]] = [this.keys[b]!, this.keys[a]!];
    this.positions.set(this.keys[a]!, a);
    this.positions.set(this.keys[b]!, b);
  }
}
