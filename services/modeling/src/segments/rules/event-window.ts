export interface EventWindowJson {
  /** Times and values of the events still in the window (empty for an all-time tally). */
  t: number[];
  v: number[];
  c: number;
  s: number;
}

/**
 * The events of one customer that one rule condition counts, within its window: times in order with
 * their summed values, plus running count and sum. Old entries leave from the front (a head index,
 * compacted now and then), so eviction is O(1) per event. An all-time condition (no `within`) keeps
 * only the count and the sum.
 *
 * A counted condition compared with v (`gte 3`, `eq 0`) keeps only its latest `cap` = ⌊v⌋ + 1
 * events: the dropped ones are older, so they leave the window first, and while the kept ones are
 * all in it the true count is at least cap, which every comparison with v reads as cap. Every
 * outcome and its instant are those of the full window, in memory bounded per customer whatever the
 * traffic (a 7-day window of every product view grew without bound under load).
 */
export class EventWindow {
  constructor(
    readonly keepEvents: boolean,
    readonly cap: number | null = null,
  ) {}

  times: number[] = [];
  values: number[] = [];
  head = 0;
  count = 0;
  sum = 0;

  /** Adds an event; a late one is put in time order. */
  add(timeMs: number, value: number): void {
    this.count += 1;
    this.sum += value;
    if (!this.keepEvents) return;
    let at = this.times.length;
    while (at > this.head && this.times[at - 1]! > timeMs) at -= 1;
    if (at === this.times.length) {
      this.times.push(timeMs);
      this.values.push(value);
    } else {
      this.times.splice(at, 0, timeMs);
      this.values.splice(at, 0, value);
    }
    this.trim();
  }

  /** Drops the oldest events past `cap`, as if they had left the window. */
  private trim(): void {
    if (this.cap === null) return;
    while (this.times.length - this.head > this.cap) {
      this.count -= 1;
      this.sum -= this.values[this.head]!;
      this.head += 1;
    }
    this.compact();
  }

  private compact(): void {
    if (this.head > 64 && this.head * 2 > this.times.length) {
      this.times.splice(0, this.head);
      this.values.splice(0, this.head);
      this.head = 0;
    }
  }

  /** Drops the events at or before `cutoffMs` (the window is (now − within, now]). */
  evict(cutoffMs: number): void {
    if (!this.keepEvents) return;
    while (this.head < this.times.length && this.times[this.head]! <= cutoffMs) {
      this.count -= 1;
      this.sum -= this.values[this.head]!;
      this.head += 1;
    }
    if (this.head === this.times.length) {
      this.times.length = 0;
      this.values.length = 0;
      this.head = 0;
      this.sum = 0; // no float residue once empty
    } else {
      this.compact();
    }
  }

  /** The sum as compared by rules: to the micro-unit, so float residue of evictions cannot flip a rule. */
  roundedSum(): number {
    return Math.round(this.sum * 1e6) / 1e6;
  }

  oldest(): number | undefined {
    return this.head < this.times.length ? this.times[this.head] : undefined;
  }

  toJSON(): EventWindowJson {
    return { t: this.times.slice(this.head), v: this.values.slice(this.head), c: this.count, s: this.sum };
  }

  static from(json: EventWindowJson, keepEvents: boolean, cap: number | null = null): EventWindow {
    const window = new EventWindow(keepEvents, cap);
    window.times = [...json.t];
    window.values = [...json.v];
    window.count = json.c;
    window.sum = json.s;
    if (keepEvents) window.trim();
    return window;
  }
}
