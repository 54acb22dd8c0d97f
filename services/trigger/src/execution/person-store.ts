import type { Redis } from 'ioredis';
import { globEscape, scanKeys } from '../privacy/redis-scan.js';
import { PersonBatch } from './person-batch.js';

/** Event names whose per-person history the trigger service keeps (orders for carts and Nth-order triggers). */
export const ORDER_EVENT = 'Order Completed';

/**
 * What the trigger service remembers about people, in Redis: traits from
 * identify calls, the times of counted events (a sorted set per person and
 * event name, member = messageId, so redelivered events count once), and
 * deletions. Every write is idempotent under redelivery; the events
 * consumer writes through batch() (PersonBatch).
 */
export class PersonStore {
  constructor(
    private readonly redis: Redis,
    private readonly ns: string,
  ) {}

  private key(kind: string, person: string, extra = ''): string {
    return `${this.ns}:${kind}:${extra ? `${extra}:` : ''}${person}`;
  }

  /** Pipelined writes and reads for many events (the events consumer's batch). */
  batch(): PersonBatch {
    return new PersonBatch(this.redis.pipeline(), (kind, person, extra) => this.key(kind, person, extra));
  }

  async traits(person: string): Promise<Record<string, unknown>> {
    const raw = await this.redis.hgetall(this.key('traits', person));
    return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, JSON.parse(v) as unknown]));
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

  /**
   * Erases everything kept of the person (a deletion request): traits, a deletion marker, and the
   * counted events of `events` (the names campaigns count) and of any other name without ':' (a
   * campaign since removed). A key whose name part holds ':' and is not in `events` is left, since
   * it could belong to a person whose id ends in ':' + this one. Returns the keys deleted.
   */
  async erase(person: string, events: Iterable<string>): Promise<number> {
    const known = new Set([...events].map((event) => this.key('count', person, event)));
    const prefix = `${this.ns}:count:`;
    for (const key of await scanKeys(this.redis, `${prefix}*:${globEscape(person)}`)) {
      const event = key.slice(prefix.length, key.length - person.length - 1);
      if (event !== '' && !event.includes(':')) known.add(key);
    }
    return this.redis.del(this.key('traits', person), this.key('deleted', person), ...known);
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
