/** How many seconds of a source's rate it may send at once after being idle. */
export const BURST_SECONDS = 2;

export type Take = { ok: true } | { ok: false; retryAfterSeconds: number };

/**
 * A token bucket: `ratePerSecond` tokens a second, holding at most
 * `ratePerSecond * BURST_SECONDS`. A request larger than the whole bucket is
 * let through when the bucket is full and leaves it in debt, so a batch
 * bigger than the burst is slow rather than refused for ever, and the rate
 * over time still holds.
 */
export class TokenBucket {
  private tokens: number;
  private capacity: number;

  constructor(
    private rate: number,
    private last: number,
  ) {
    this.capacity = rate * BURST_SECONDS;
    this.tokens = this.capacity;
  }

  /** Changes the rate (the keys file was edited) keeping what was spent. */
  setRate(rate: number): void {
    if (rate === this.rate) return;
    this.rate = rate;
    this.capacity = rate * BURST_SECONDS;
    this.tokens = Math.min(this.tokens, this.capacity);
  }

  take(count: number, nowMs: number): Take {
    const elapsed = Math.max(0, nowMs - this.last) / 1000;
    this.last = Math.max(this.last, nowMs);
    this.tokens = Math.min(this.capacity, this.tokens + elapsed * this.rate);
    const needed = Math.min(count, this.capacity);
    if (this.tokens >= needed) {
      this.tokens -= count;
      return { ok: true };
    }
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((needed - this.tokens) / this.rate)) };
  }
}

/** One bucket per source; a rate of 0 means no limit. */
export class SourceRateLimiter {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    /** Events per second for a source whose key sets no rate of its own (COLLECTOR_RATE_LIMIT_PER_SOURCE). */
    readonly defaultRate: number,
    private readonly clock: () => number = Date.now,
  ) {}

  take(sourceId: string, count: number, keyRate?: number): Take {
    const rate = keyRate ?? this.defaultRate;
    if (rate <= 0) return { ok: true };
    const now = this.clock();
    let bucket = this.buckets.get(sourceId);
    if (bucket === undefined) {
      // Sources are the configured ones, so the map stays as small as the keys list.
      bucket = new TokenBucket(rate, now);
      this.buckets.set(sourceId, bucket);
    } else {
      bucket.setRate(rate);
    }
    return bucket.take(count, now);
  }
}
