import type { SegmentChangeRecord } from '@pulse/events';
import type { Redis } from 'ioredis';
import type { SegmentMembership } from './providers.js';

/**
 * How a change met what was stored: applied (newer than the last one of
 * this person and segment), repeated (that very change again: a
 * redelivery), superseded (an older change arriving after a newer one).
 */
export type ApplyResult = 'applied' | 'repeated' | 'superseded';

// One script per change so the seq check and the membership write cannot be split by another writer.
const APPLY = `
local last = redis.call('HGET', KEYS[2], ARGV[1])
local seq = tonumber(ARGV[2])
if last then
  last = tonumber(last)
  if seq < last then return -1 end
  if seq == last then return 0 end
end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
if ARGV[3] == 'entered' then redis.call('SADD', KEYS[1], ARGV[1]) else redis.call('SREM', KEYS[1], ARGV[1]) end
return 1
`;

const COMMAND = 'pulseApplySegmentChange';

interface WithApply {
  [COMMAND](members: string, seqs: string, segment: string, seq: number, change: string): Promise<number>;
}

/**
 * Segment membership kept from the segment-changes topic, in Redis: per
 * person a set of current segments and a hash of the last applied seq per
 * segment. Applying is idempotent by seq, so redelivered or replayed
 * changes leave membership as it was, and audience filters need no call to
 * the modeling service.
 */
export class SegmentStore implements SegmentMembership {
  constructor(
    private readonly redis: Redis,
    private readonly ns: string,
  ) {
    if (!(COMMAND in redis)) redis.defineCommand(COMMAND, { numberOfKeys: 2, lua: APPLY });
  }

  private membersKey(person: string): string {
    return `${this.ns}:segments:${person}`;
  }

  private seqKey(person: string): string {
    return `${this.ns}:segment-seq:${person}`;
  }

  /** Applies changes in order in one round trip; returns what each did. */
  async apply(changes: readonly SegmentChangeRecord[]): Promise<ApplyResult[]> {
    if (changes.length === 0) return [];
    const pipeline = this.redis.pipeline();
    const withApply = pipeline as unknown as WithApply;
    for (const c of changes) {
      void withApply[COMMAND](this.membersKey(c.userKey), this.seqKey(c.userKey), c.segment, c.seq, c.change);
    }
    const results = (await pipeline.exec()) ?? [];
    return results.map(([err, value]) => {
      if (err) throw err;
      return value === 1 ? 'applied' : value === 0 ? 'repeated' : 'superseded';
    });
  }

  async isMember(person: string, segment: string): Promise<boolean> {
    return (await this.redis.sismember(this.membersKey(person), segment)) === 1;
  }

  /** Erases what is kept of the person (a deletion request). */
  async forget(person: string): Promise<void> {
    await this.redis.del(this.membersKey(person), this.seqKey(person));
  }

  /** The person's current segments. */
  async segmentsOf(person: string): Promise<string[]> {
    return (await this.redis.smembers(this.membersKey(person))).sort();
  }
}
