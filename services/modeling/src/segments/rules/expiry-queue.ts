/**
 * Min-heap of (time, key): when each customer's next windowed event falls out of its window. Ties are
 * broken by key so that the order of expiries, and so of change records, does not depend on the heap's
 * history (a restored heap is built in a different order).
 */
export class ExpiryQueue {
  private readonly times: number[] = [];
  private readonly keys: string[] = [];

  get size(): number {
    return this.times.length;
  }

  push(time: number, key: string): void {
    this.times.push(time);
    this.keys.push(key);
    let i = this.times.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  peekTime(): number | undefined {
    return this.times[0];
  }

  pop(): { time: number; key: string } | undefined {
    if (this.times.length === 0) return undefined;
    const top = { time: this.times[0]!, key: this.keys[0]! };
    const lastTime = this.times.pop()!;
    const lastKey = this.keys.pop()!;
    if (this.times.length > 0) {
      this.times[0] = lastTime;
      this.keys[0] = lastKey;
      let i = 0;
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
    return top;
  }

  private less(a: number, b: number): boolean {
    const ta = this.times[a]!;
    const tb = this.times[b]!;
    return ta < tb || (ta === tb && this.keys[a]! < this.keys[b]!);
  }

  private swap(a: number, b: number): void {
    [this.times[a], this.times[b]] = [this.times[b]!, this.times[a]!];
    [this.keys[a], this.keys[b]] = [this.keys[b]!, this.keys[a]!];
  }
}
