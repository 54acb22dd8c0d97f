import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createClickHouse, queryRows } from '@pulse/clickhouse';
import { consumerLag } from '@pulse/kafka';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually, REDIS_URL, SECRET, stored, TriggerHarness } from '../integration/trigger-harness.js';
import { type ChildService, spawnService, stopService } from '../support/child.js';
import { tempDir } from '../support/ids.js';

const PEOPLE = 300;
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('trigger service killed with SIGKILL', () => {
  it('acts once per occasion after a restart: no occasion lost, none sent under two ids', async () => {
    const chdbPath = tempDir('pulse-trigger-fault-chdb');
    const campaignsDir = tempDir('pulse-trigger-campaigns');
    // The child owns chdbPath while it runs; the test opens it once the child is gone.
    const h = new TriggerHarness();
    cleanups.push(() => h.cleanup());
    cleanups.push(async () => {
      rmSync(chdbPath, { recursive: true, force: true });
      rmSync(campaignsDir, { recursive: true, force: true });
    });
    const receiver = await h.receiver();
    mkdirSync(campaignsDir, { recursive: true });
    writeFileSync(
      join(campaignsDir, 'orders.json'),
      JSON.stringify({
        id: 'every-order',
        trigger: { kind: 'event', event: 'Order Completed' },
        channel: { type: 'webhook', url: receiver.url, rateLimit: { max: 40, perSeconds: 1 } },
        variants: [{ name: 'a', template: { text: 'thanks' } }],
      }),
    );
    const env = {
      KAFKA_TOPIC_PREFIX: h.prefix,
      TRIGGER_GROUP_ID: `${h.prefix}-trigger`,
      TRIGGER_FROM_BEGINNING: 'true',
      REDIS_URL,
      TRIGGER_QUEUE_PREFIX: h.prefix,
      TRIGGER_CAMPAIGNS_DIR: campaignsDir,
      TRIGGER_WEBHOOK_SECRET: SECRET,
      TRIGGER_ALLOW_PRIVATE_WEBHOOKS: 'true',
      TRIGGER_METRICS_PORT: '0',
      TRIGGER_API_PORT: '0',
      TRIGGER_CHDB_PATH: chdbPath,
      TRIGGER_LOCK_MS: '2000',
      TRIGGER_SESSION_TIMEOUT_MS: '6000',
      TRIGGER_DAILY_CAP: '0',
      TRIGGER_LOG_LEVEL: 'warn',
    };
    let child: ChildService = spawnService('services/trigger/src/main.ts', env);
    cleanups.push(() => stopService(child, 'SIGKILL'));

    await h.produce(
      Array.from({ length: PEOPLE }, (_, i) =>
        stored({
          type: 'track',
          event: 'Order Completed',
          userId: `buyer-${i}`,
          messageId: `order-${i}`,
          timestamp: new Date().toISOString(),
          properties: { order_id: `o-${i}` },
        }),
      ),
    );
    await eventually(
      `some deliveries before the kill (${child.output()})`,
      () => (receiver.received.length >= 60 ? true : undefined),
      60_000,
    );
    const killed = await stopService(child, 'SIGKILL');
    expect(killed.signal).toBe('SIGKILL');
    const atKill = receiver.received.length;
    expect(atKill).toBeLessThan(PEOPLE);

    child = spawnService('services/trigger/src/main.ts', env);
    await eventually(
      `every occasion delivered (${child.output()})`,
      () => (receiver.received.length >= PEOPLE ? true : undefined),
      90_000,
    );
    await eventually('offsets committed', async () => {
      const lag = await consumerLag(h.kafka, `${h.prefix}-trigger`, h.topic);
      return lag.every((p) => p.lag === 0) ? true : undefined;
    });
    await new Promise((r) => setTimeout(r, 1000));
    const stopped = await stopService(child, 'SIGTERM');
    expect({ ...stopped, out: stopped.code === 0 ? '' : child.output() }).toEqual({
      code: 0,
      signal: null,
      out: '',
    });

    // One action id per occasion; a request in flight at the kill may be repeated under the same id
    // (the receiver drops it), never under another one.
    expect(receiver.received).toHaveLength(PEOPLE);
    expect(new Set(receiver.received.map((r) => r.payload['person'])).size).toBe(PEOPLE);
    expect(receiver.duplicates).toBeLessThanOrEqual(16);

    const clickhouse = createClickHouse({ database: 'default', chdbPath });
    cleanups.push(() => clickhouse.close());
    const [row] = await queryRows<{ sent: string; people: string }>(
      clickhouse,
      `SELECT countIf(outcome = 'sent') AS sent, uniqExact(person) AS people FROM pulse.trigger_decisions FINAL`,
    );
    expect(Number(row?.sent)).toBe(PEOPLE);
    expect(Number(row?.people)).toBe(PEOPLE);
  });
});
