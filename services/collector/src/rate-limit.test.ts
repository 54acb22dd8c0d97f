import { describe, expect, it } from 'vitest';
import { BURST_SECONDS, SourceRateLimiter, TokenBucket } from './rate-limit.js';

describe('TokenBucket', () => {
  it(`lets ${BURST_SECONDS} seconds' worth through at once, then refuses`, () => {
    const bucket = new TokenBucket(100, 0);
    expect(bucket.take(150, 0)).toEqual({ ok: true });
    expect(bucket.take(50, 0)).toEqual({ ok: true });
    expect(bucket.take(1, 0)).toEqual({ ok: false, retryAfterSeconds: 1 });
  });

  it('refills at the rate, up to the burst', () => {
    const bucket = new TokenBucket(100, 0);
    bucket.take(200, 0);
    expect(bucket.take(60, 500).ok).toBe(false); // 50 tokens after half a second
    expect(bucket.take(50, 500).ok).toBe(true);
    // Idle for a minute: the bucket holds 2 s worth, not 60 s.
    expect(bucket.take(200, 60_500).ok).toBe(true);
    expect(bucket.take(1, 60_500).ok).toBe(false);
  });

  it('holds the rate over time: at most rate × seconds + burst events pass', () => {
    const bucket = new TokenBucket(1000, 0);
    let passed = 0;
    // A client sending 10 events every millisecond (10,000/s) for 10 s.
    for (let t = 0; t < 10_000; t++) if (bucket.take(10, t).ok) passed += 10;
    expect(passed).toBeGreaterThanOrEqual(1000 * 10);
    expect(passed).toBeLessThanOrEqual(1000 * 10 + 1000 * BURST_SECONDS);
  });

  it('says how long to wait for the tokens a refused request needs', () => {
    const bucket = new TokenBucket(10, 0);
    bucket.take(20, 0);
    expect(bucket.take(15, 0)).toEqual({ ok: false, retryAfterSeconds: 2 });
    expect(bucket.take(15, 1000)).toEqual({ ok: false, retryAfterSeconds: 1 });
    expect(bucket.take(15, 1500).ok).toBe(true);
  });

  it('lets a batch larger than the burst through from a full bucket, and makes the source wait it off', () => {
    const bucket = new TokenBucket(10, 0);
    expect(bucket.take(100, 0)).toEqual({ ok: true }); // 20 in the bucket, 80 owed
    expect(bucket.take(1, 5_000)).toEqual({ ok: false, retryAfterSeconds: 4 }); // 30 owed after 5 s
    expect(bucket.take(1, 8_000).ok).toBe(false);
    expect(bucket.take(1, 8_100).ok).toBe(true);
  });

  it('does not refill when the clock goes backwards', () => {
    const bucket = new TokenBucket(10, 1000);
    bucket.take(20, 1000);
    expect(bucket.take(1, 0).ok).toBe(false);
    expect(bucket.take(1, 1000).ok).toBe(false);
    expect(bucket.take(1, 1100).ok).toBe(true);
  });

  it('keeps what was spent when the rate changes', () => {
    const bucket = new TokenBucket(100, 0);
    bucket.take(200, 0);
    bucket.setRate(10);
    expect(bucket.take(1, 0).ok).toBe(false);
    expect(bucket.take(10, 1000).ok).toBe(true);
    bucket.setRate(1000);
    expect(bucket.take(500, 1100).ok).toBe(false); // 100 tokens refilled, not a new bucket's 2000
  });
});

describe('SourceRateLimiter', () => {
  it('keeps a bucket per source', () => {
    let now = 0;
    const limiter = new SourceRateLimiter(10, () => now);
    expect(limiter.take('web', 20).ok).toBe(true);
    expect(limiter.take('web', 1).ok).toBe(false);
    expect(limiter.take('ios', 20).ok).toBe(true);
    now = 1000;
    expect(limiter.take('web', 10).ok).toBe(true);
  });

  it("uses a key's own rate over the default, and 0 as no limit", () => {
    const limiter = new SourceRateLimiter(10, () => 0);
    expect(limiter.take('big', 2000, 1000).ok).toBe(true);
    expect(limiter.take('big', 1, 1000).ok).toBe(false);
    for (let i = 0; i < 100; i++) expect(limiter.take('free', 1_000_000, 0).ok).toBe(true);
    const off = new SourceRateLimiter(0, () => 0);
    expect(off.take('any', 1_000_000).ok).toBe(true);
    expect(off.take('any', 1_000_000).ok).toBe(true);
    expect(off.take('limited', 10, 5).ok).toBe(true);
    expect(off.take('limited', 1, 5).ok).toBe(false);
  });
});
