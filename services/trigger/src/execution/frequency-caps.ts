import type { Redis } from 'ioredis';
import { globEscape, scanKeys } from '../privacy/redis-scan.js';

// Both caps are sorted sets of occasion ids scored by time. Claiming is one
// script so two workers cannot both take the last slot, and an occasion that
// already holds a slot (a retried job) keeps it instead of taking another.
const CLAIM = `
if redis.call('ZSCORE', KEYS[1], ARGV[1]) or redis.call('ZSCORE', KEYS[2], ARGV[1]) then return 1 end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', tonumber(ARGV[2]) - tonumber(ARGV[3]))
if tonumber(ARGV[4]) > 0 and redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[4]) then return -1 end
if tonumber(ARGV[5]) > 0 and redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[5]) then return -2 end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
redis.call('PEXPIRE', KEYS[2], 172800000)
return 1
`;

export type CapResult = { ok: true } | { ok: false; reason: 'campaign_cap' | 'daily_cap' };

export interface CapRequest {
  campaign: string;
  person: string;
  occasion: string;
  now: number;
  /** Per person per campaign: at most `max` within `windowMs`. */
  max: number;
  windowMs: number;
  /** Per person per UTC day across campaigns; 0 for none. */
  dailyMax: number;
}

const COMMAND = 'pulseClaimCap';

interface WithClaim {
  [COMMAND](
    campaignKey: string,
    dayKey: string,
    occasion: string,
    now: number,
    windowMs: number,
    max: number,
    dailyMax: number,
  ): Promise<number>;
}

export class FrequencyCaps {
  constructor(
    private readonly redis: Redis,
    private readonly ns: string,
  ) {
    // A defined command goes out as EVALSHA: Redis is not sent the script's text with every claim.
    if (!(COMMAND in redis)) redis.defineCommand(COMMAND, { numberOfKeys: 2, lua: CLAIM });
  }

  /** Erases the person's cap slots (a deletion request); returns the keys deleted. */
  async forget(person: string): Promise<number> {
    const escaped = globEscape(person);
    const campaign = /^[a-z0-9][a-z0-9_-]*$/;
    const day = /^\d{4}-\d{2}-\d{2}$/;
    const mine = (prefix: string, part: RegExp) => (key: string) =>
      part.test(key.slice(prefix.length, key.length - person.length - 1));
    const keys = [
      ...(await scanKeys(this.redis, `${this.ns}:cap:*:${escaped}`)).filter(
        mine(`${this.ns}:cap:`, campaign),
      ),
      ...(await scanKeys(this.redis, `${this.ns}:cap-day:*:${escaped}`)).filter(
        mine(`${this.ns}:cap-day:`, day),
      ),
    ];
    return keys.length === 0 ? 0 : this.redis.del(...keys);
  }

  async claim(r: CapRequest): Promise<CapResult> {
    const day = new Date(r.now).toISOString().slice(0, 10);
    const result = await (this.redis as unknown as WithClaim)[COMMAND](
      `${this.ns}:cap:${r.campaign}:${r.person}`,
      `${this.ns}:cap-day:${day}:${r.person}`,
      r.occasion,
      r.now,
      Math.max(1, Math.round(r.windowMs)),
      r.max,
      r.dailyMax,
    );
    if (result === 1) return { ok: true };
    return { ok: false, reason: result === -1 ? 'campaign_cap' : 'daily_cap' };
  }
}
