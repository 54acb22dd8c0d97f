import type { Redis } from 'ioredis';

/** Event names whose per-person history the trigger service keeps (orders for carts and Nth-order triggers). */
export const ORDER_EVENT = 'Order Completed';

/**
 * What the trigger service remembers about people, in Redis: traits from
 * identify calls, the times of counted events (a sorted set per person and
 * event name, member = messageId, so redelivered events count once), and
 * deletions. Every write is idempotent under redelivery.
 */
export class PersonStore {
  constructor(
    private readonly redis: Redis,
    private readonly ns: string,
  ) {}

  private key(kind: string, person: string, extra = ''): string {
    return `${this.ns}:${kind}:${extra ? `${extra}:` : ''}${person}`;
  }

  async mergeTraits(person: string, traits: Record<string, unknown>): Promise<void> {
    const entries = Object.entries(traits);
    if (entries.length === 0) return;
    await this.redis.hset(
      this.key('traits', person),
      Object.fromEntries(entries.map(([k, v]) => [k, JSON.stringify(v)])),
    );
  }

  async traits(person: string): Promise<Record<string, unknown>> {
    const raw = await this.redis.hgetall(this.key('traits', person));
    return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, JSON.parse(v) as unknown]));
  }

  /** Records one counted event and returns its 1-based rank among the person's events of that name, by time. */
  async countEvent(event: string, person: string, messageId: string, at: number): Promise<number> {
    const key = this.key('count', person, event);
    const [, rank] =
      (await this.redis.multi().zadd(key, 'NX', at, messageId).zrank(key, messageId).exec()) ?? [];
    return Number(rank?.[1] ?? 0) + 1;
  }

  /** How many of the person's events of that name happened at or before `at`. */
  async countUpTo(event: string, person: string, at: number): Promise<number> {
    return this.redis.zcount(this.key('count', person, event), '-inf', at);
  }

  /** How many happened strictly after `at`. */
  async countAfter(event: string, person: string, at: number): Promise<number> {
    return this.redis.zcount(this.key('count', person, event), `(${at}`, '+inf');
  }

  /** A deleted person is never contacted again and their remembered traits are erased. */
  async markDeleted(person: string): Promise<void> {
    await this.redis.multi().set(this.key('deleted', person), '1').del(this.key('traits', person)).exec();
  }

  /** Deletion and traits in one round trip, for decisions. */
  async profile(person: string): Promise<{ deleted: boolean; traits: Record<string, unknown> }> {
    const [deleted, traits] =
      (await this.redis
        .multi()
        .exists(this.key('deleted', person))
        .hgetall(this.key('traits', person))
        .exec()) ?? [];
    if (deleted?.[0] || traits?.[0]) throw deleted?.[0] ?? traits?.[0];
    const raw = (traits?.[1] ?? {}) as Record<string, string>;
    return {
      deleted: deleted?.[1] === 1,
      traits: Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, JSON.parse(v) as unknown])),
    };
  }

  async isDeleted(person: string): Promise<boolean> {
    return (await this.redis.exists(this.key('deleted', person))) === 1;
  }
}
