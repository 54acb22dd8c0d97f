import { createLogger, sleep } from '@pulse/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  campaign,
  decisionsOnce,
  eventually,
  settled,
  stored,
  triggerTestSetup,
} from '../integration/trigger-harness.js';
import { freePort } from '../support/ports.js';
import { PrivateRedis } from '../support/redis-server.js';

// The trigger service's Redis (one of the test's own, with an append-only file) restarts while
// abandoned-cart occasions wait as delayed BullMQ jobs. Redis is stopped with SHUTDOWN, which writes
// and syncs the AOF (with appendfsync everysec a SIGKILL could lose the last second of writes), and
// started again on the same directory. Every delayed occasion must fire after the restart, once;
// carts added while Redis was away must fire too.

const WAIT_SECONDS = 8;
const BEFORE = 40;
const DURING = 10;
const { harness } = triggerTestSetup();
let redis: PrivateRedis;

beforeAll(async () => {
  redis = new PrivateRedis(await freePort());
  await redis.start();
});

afterAll(async () => {
  await redis?.destroy();
});

const cartAdded = (person: string) =>
  stored({
    type: 'track',
    event: 'Product Added',
    userId: person,
    messageId: `${person}-add`,
    timestamp: new Date().toISOString(),
    properties: { product_id: `p-${person}` },
  });

describe('Redis restarted while jobs are delayed', () => {
  it('fires every delayed abandoned-cart occasion after the restart, exactly once', async () => {
    const h = harness();
    const receiver = await h.receiver();
    const trigger = await h.start(
      [
        campaign({
          id: 'abandoned-cart',
          trigger: { kind: 'abandoned_cart', waitSeconds: WAIT_SECONDS },
          channel: { type: 'webhook', url: receiver.url },
        }),
      ],
      { redisUrl: redis.url },
      // Workers log every failed reconnection while Redis is away: expected here.
      { logger: createLogger({ service: 'trigger-test', level: 'fatal' }) },
    );
    const before = Array.from({ length: BEFORE }, (_, i) => `shopper-${i}`);
    const during = Array.from({ length: DURING }, (_, i) => `late-shopper-${i}`);
    const producedAt = Date.now();
    await h.produce(before.map(cartAdded));
    await eventually('every occasion delayed in Redis', async () => {
      const counts = await trigger.occasionQueue.getJobCounts('delayed');
      return counts['delayed'] === BEFORE ? true : undefined;
    });
    expect(Date.now() - producedAt).toBeLessThan(WAIT_SECONDS * 1000);

    await redis.shutdown();
    const restartedAt = Date.now();
    // Events keep coming while Redis is away: the trigger waits for it, nothing is lost.
    await h.produce(during.map(cartAdded));
    await sleep(2000);
    await redis.start();
    expect(receiver.received).toEqual([]);
    // The AOF brought the delayed jobs back.
    expect(Number(await redis.cli('ZCARD', `${h.prefix}:trigger-occasions:delayed`))).toBeGreaterThan(0);

    await eventually(
      'every abandoned cart acted on',
      () => (receiver.received.length >= BEFORE + DURING ? true : undefined),
      60_000,
    );
    await settled(h, trigger);
    const rows = await decisionsOnce(h, trigger, BEFORE + DURING);
    await sleep(1000);

    expect(receiver.received.map((r) => String(r.payload['person'])).sort()).toEqual(
      [...before, ...during].sort(),
    );
    expect(receiver.duplicates).toBe(0);
    for (const r of receiver.received) expect(r.receivedAt).toBeGreaterThan(restartedAt);
    expect(rows.map((r) => [r.person, r.outcome]).sort()).toEqual(
      [...before, ...during].map((p) => [p, 'sent']).sort(),
    );
  }, 120_000);
});
