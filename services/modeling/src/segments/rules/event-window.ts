import { DAY_MS } from '../time.js';

export interface EventWindowJson {
  /** Times (bucket starts for a bucketed window) and values of the entries still in the window. */
  t: number[];
  v: number[];
  /** Events per entry, for a bucketed window; absent: one event each. */
  n?: number[];
  c: number;
  s: number;
}

const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;
const SECOND_MS = 1_000;

/**
 * The bucket width of a summed window of `withinMs`: the largest of a day, an hour, a minute, a second
 * that fits at least seven times in it (1 ms below seven seconds). So a window of 7 days or more has day
 * resolution (as PostHog's behavioural cohorts do), one of 7 hours to 7 days hour resolution, and so
 * on: at most 7 × 24 + 1 buckets below a week, and within / 1 day + 1 (401 at the longest) above.
 */
export function bucketWidthMs(withinMs: number): number {
  for (const unit of [DAY_MS, HOUR_MS, MINUTE_MS, SECOND_MS]) if (unit * 7 <= withinMs) return unit;
  return 1;
}

/** The start of the UTC-aligned bucket of width `widthMs` holding `timeMs`. */
export function bucketStart(timeMs: number, widthMs: number): number {
  return Math.floor(timeMs / widthMs) * widthMs;
}

/**
 * The events of one customer that one rule condition counts, within its window: entries in time order
 * with their summed values and event counts, plus running count and sum. Old entries leave from the
 * front (a head index, compacted now and then), so eviction is O(1) per entry. An all-time condition
 * (no `within`) keeps only the count and the sum.
 *
 * Memory is bounded per customer whatever the traffic (a window holding every event of 7 or 90 days
 * grew without bound under load), two ways:
 *
 * - A counted condition compared with v (`gte 3`, `eq 0`) keeps only its latest `cap` = ⌊v⌋ + 1
 *   events: the dropped ones are older, so they leave the window first, and while the kept ones are
 *   all in it the true count is at least cap, which every comparison with v reads as cap. Every
 *   outcome and its instant are those of the full window.
 * - A summed condition needs every event's value, so its events are added up in buckets of
 *   `bucketMs` (see bucketWidthMs): an entry per bucket, timed at the bucket's start, so an event
 *   leaves the window when its bucket's start does. A 90-day sum thus covers today and the 89 days
 *   before (UTC): an event counts for at most `within`, and at least `within` − one bucket.
 */
export class EventWindow {
  constructor(
    readonly keepEvents: boolean,
    readonly cap: number | null = null,
    readonly bucketMs: number | null = null,
  ) {}

  times: number[] = [];
  values: number[] = [];
  counts: number[] = [];
  head = 0;
  count = 0;
  sum = 0;

  /** The time of the entry an event at `timeMs` goes to (its bucket's start when bucketed). */
  entryTime(timeMs: number): number {
    return this.bucketMs === null ? timeMs : bucketStart(timeMs, this.bucketMs);
  }

  /** Adds an event; a late one is put in time order (or into its bucket). */
  add(timeMs: number, value: number): void {
    this.count += 1;
    this.sum += value;
    if (!this.keepEvents) return;
    this.insert(this.entryTime(timeMs), value, 1);
    this.trim();
  }

  private insert(at: number, value: number, events: number): void {
    let i = this.times.length;
    while (i > this.head && this.times[i - 1]! > at) i -= 1;
    if (this.bucketMs !== null && i > this.head && this.times[i - 1] === at) {
      this.values[i - 1]! += value;
      this.counts[i - 1]! += events;
    } else if (i === this.times.length) {
      this.times.push(at);
      this.values.push(value);
      this.counts.push(events);
    } else {
      this.times.splice(i, 0, at);
      this.values.splice(i, 0, value);
      this.counts.splice(i, 0, events);
    }
  }

  /** Drops the oldest entries past `cap`, as if they had left the window. */
  private trim(): void {
    if (this.cap === null) return;
    while (this.times.length - this.head > this.cap) this.dropOldest();
    this.compact();
  }

  private dropOldest(): void {
    this.count -= this.counts[this.head]!;
    this.sum -= this.values[this.head]!;
    this.head += 1;
  }

  private compact(): void {
    if (this.head > 64 && this.head * 2 > this.times.length) {
      this.times.splice(0, this.head);
      this.values.splice(0, this.head);
      this.counts.splice(0, this.head);
      this.head = 0;
    }
  }

  /** Drops the entries at or before `cutoffMs` (the window is (now − within, now]). */
  evict(cutoffMs: number): void {
    if (!this.keepEvents) return;
    while (this.head < this.times.length && this.times[this.head]! <= cutoffMs) this.dropOldest();
    if (this.head === this.times.length) {
      this.times.length = 0;
      this.values.length = 0;
      this.counts.length = 0;
      this.head = 0;
      this.sum = 0; // no float residue once empty
    } else {
      this.compact();
    }
  }

  /** Entries kept (events, or buckets of a bucketed window). */
  get entries(): number {
    return this.times.length - this.head;
  }

  /** The sum as compared by rules: to the micro-unit, so float residue of evictions cannot flip a rule. */
  roundedSum(): number {
    return Math.round(this.sum * 1e6) / 1e6;
  }

  oldest(): number | undefined {
    return this.head < this.times.length ? this.times[this.head] : undefined;
  }

  toJSON(): EventWindowJson {
    const json: EventWindowJson = {
      t: this.times.slice(this.head),
      v: this.values.slice(this.head),
      c: this.count,
      s: this.sum,
    };
    if (this.bucketMs !== null) json.n = this.counts.slice(this.head);
    return json;
  }

  /**
   * A window from its JSON. Entries saved one per event (before summed windows were bucketed, or by
   * a window without buckets) are folded into the buckets of `bucketMs`.
   */
  static from(
    json: EventWindowJson,
    keepEvents: boolean,
    cap: number | null = null,
    bucketMs: number | null = null,
  ): EventWindow {
    const window = new EventWindow(keepEvents, cap, bucketMs);
    if (keepEvents) {
      json.t.forEach((t, i) => {
        window.insert(window.entryTime(t), json.v[i]!, json.n?.[i] ?? 1);
      });
    }
    window.count = json.c;
    window.sum = json.s;
    if (keepEvents) window.trim();
    return window;
  }
}
