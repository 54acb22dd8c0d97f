import { Redis } from 'ioredis';

/**
 * Deletes every key under `<prefix>:` (BullMQ queues and the service's own
 * state): for tests and for resetting an installation's trigger state.
 */
export async function deleteRedisPrefix(redisUrl: string, prefix: string): Promise<number> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 3 });
  let deleted = 0;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) deleted += await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    await redis.quit();
  }
  return deleted;
}

/** One key under a prefix with its whole value, as dumpRedisPrefix reads it. */
export interface RedisEntry {
  key: string;
  type: string;
  value: unknown;
}

/**
 * Every key under `<prefix>:` with its value (strings, hashes, lists, sets, sorted sets, streams):
 * for checking what the trigger keeps, e.g. that nothing of a deleted person remains.
 */
export async function dumpRedisPrefix(redisUrl: string, prefix: string): Promise<RedisEntry[]> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 3 });
  const entries: RedisEntry[] = [];
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      for (const key of keys) {
        const type = await redis.type(key);
        const value =
          type === 'string'
            ? await redis.get(key)
            : type === 'hash'
              ? await redis.hgetall(key)
              : type === 'list'
                ? await redis.lrange(key, 0, -1)
                : type === 'set'
                  ? await redis.smembers(key)
                  : type === 'zset'
                    ? await redis.zrange(key, 0, -1, 'WITHSCORES')
                    : type === 'stream'
                      ? await redis.xrange(key, '-', '+')
                      : null;
        entries.push({ key, type, value });
      }
    } while (cursor !== '0');
  } finally {
    await redis.quit();
  }
  return entries.sort((a, b) => a.key.localeCompare(b.key));
}
