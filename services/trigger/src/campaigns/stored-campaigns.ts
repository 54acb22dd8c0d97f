import type { Redis } from 'ioredis';
import { type Campaign, parseCampaign } from './schema.js';

/**
 * Campaigns created or changed through the API, kept in Redis so they
 * survive restarts. At start they override the file of the same id: files
 * are the defaults, the API is the operator's hand on them.
 */
export class StoredCampaigns {
  constructor(
    private readonly redis: Redis,
    private readonly key: string,
  ) {}

  async save(c: Campaign): Promise<void> {
    await this.redis.hset(this.key, c.id, JSON.stringify(c));
  }

  /** Every stored campaign, validated again (a definition written by an older version may no longer pass). */
  async load(): Promise<Campaign[]> {
    const raw = await this.redis.hgetall(this.key);
    return Object.entries(raw).map(([id, json]) => parseCampaign(JSON.parse(json), `stored campaign ${id}`));
  }
}
