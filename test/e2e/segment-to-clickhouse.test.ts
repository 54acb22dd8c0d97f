import { type ClickHouseClient, createClickHouse, queryRows } from '@pulse/clickhouse';
import type { Collector } from '@pulse/collector';
import { type Ingest, start as startIngest } from '@pulse/ingest';
import { topicNames, waitForConsumer } from '@pulse/kafka';
import { Analytics } from '@segment/analytics-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCollector, WRITE_KEY } from '../support/collector.js';
import { tempDir, uniqueName } from '../support/ids.js';
import { ingestTestConfig } from '../support/ingest.js';
import { deleteTopics, testKafka } from '../support/kafka.js';

// From the real Segment Node client to rows in ClickHouse: every call type,
// an e-commerce order with its products, and the fields where they belong.
describe('Segment client → collector → Kafka → ingest → ClickHouse', () => {
  const prefix = uniqueName('e2e');
  const database = `e2e_${Date.now().toString(36)}`;
  const kafka = testKafka();
  let clickhouse: ClickHouseClient;
  let ingest: Ingest;
  let collector: Collector;

  beforeAll(async () => {
    clickhouse = createClickHouse({ database, chdbPath: tempDir('pulse-e2e') });
    ingest = await startIngest(ingestTestConfig(prefix, { database, chdbPath: '' }), {
      clickhouse,
      opsServer: false,
    });
    collector = await startTestCollector(prefix);
  });

  afterAll(async () => {
    await collector?.close();
    await ingest?.close();
    await clickhouse?.close();
    await deleteTopics(kafka, prefix);
  });

  it('stores every call type with its fields, once', async () => {
    const analytics = new Analytics({
      writeKey: WRITE_KEY,
      host: collector.url,
      maxEventsInBatch: 10,
      flushInterval: 20,
    });
    const at = new Date('2026-11-20T10:00:00.000Z');
    const errors: unknown[] = [];
    const cb = (err?: unknown) => {
      if (err) errors.push(err);
    };
    analytics.identify(
      {
        userId: 'u-1',
        traits: { email: 'ada@example.com', plan: 'pro' },
        timestamp: at,
        messageId: 'e2e-identify',
      },
      cb,
    );
    analytics.track(
      {
        userId: 'u-1',
        event: 'Order Completed',
        timestamp: at,
        messageId: 'e2e-order',
        properties: {
          order_id: 'o-1',
          revenue: 42.5,
          currency: 'EUR',
          products: [
            { product_id: 'p-1', name: 'Lamp', price: 10, quantity: 2 },
            { product_id: 'p-2', name: 'Mug', price: 22.5, quantity: 1 },
          ],
        },
      },
      cb,
    );
    analytics.page(
      {
        anonymousId: 'anon-9',
        name: 'Home',
        category: 'Landing',
        properties: { url: 'https://shop.example/' },
        messageId: 'e2e-page',
      },
      cb,
    );
    analytics.screen({ userId: 'u-1', name: 'Cart', messageId: 'e2e-screen' }, cb);
    analytics.group({ userId: 'u-1', groupId: 'g-7', traits: { name: 'Acme' }, messageId: 'e2e-group' }, cb);
    analytics.alias({ userId: 'u-1', previousId: 'anon-9', messageId: 'e2e-alias' }, cb);
    // The same messageId again, as a retrying client would send it: stored once.
    analytics.track(
      {
        userId: 'u-1',
        event: 'Order Completed',
        timestamp: at,
        messageId: 'e2e-order',
        properties: { order_id: 'o-1', revenue: 42.5 },
      },
      cb,
    );
    await analytics.closeAndFlush({ timeout: 30_000 });
    expect(errors).toEqual([]);

    await waitForConsumer(kafka, `${prefix}-ingest`, topicNames(prefix).events, { timeoutMs: 60_000 });
    const rows = await queryRows<Record<string, string>>(
      clickhouse,
      `SELECT message_id, type, event, user_id, anonymous_id, user_key, toString(timestamp) AS ts, name, category, group_id,
              previous_id, source_id, order_id, revenue, currency, JSONExtractString(traits, 'plan') AS plan,
              JSONExtractString(context, 'library', 'name') AS library
       FROM ${database}.events FINAL ORDER BY message_id`,
    );
    const byId = Object.fromEntries(rows.map((r) => [r['message_id'], r]));
    expect(Object.keys(byId).sort()).toEqual([
      'e2e-alias',
      'e2e-group',
      'e2e-identify',
      'e2e-order',
      'e2e-page',
      'e2e-screen',
    ]);
    expect(byId['e2e-identify']).toMatchObject({
      type: 'identify',
      user_key: 'u-1',
      plan: 'pro',
      source_id: 'test-source',
    });
    expect(byId['e2e-order']).toMatchObject({
      type: 'track',
      event: 'Order Completed',
      order_id: 'o-1',
      currency: 'EUR',
      revenue: 42.5,
    });
    // analytics-node stamps sentAt at send time; Segment's skew correction keeps the client's event time.
    expect(Date.parse(`${byId['e2e-order']!['ts']}Z`.replace(' ', 'T'))).toBeCloseTo(at.getTime(), -4);
    expect(byId['e2e-page']).toMatchObject({
      type: 'page',
      user_id: '',
      anonymous_id: 'anon-9',
      user_key: 'anon-9',
      name: 'Home',
      category: 'Landing',
    });
    expect(byId['e2e-screen']).toMatchObject({ type: 'screen', name: 'Cart' });
    expect(byId['e2e-group']).toMatchObject({ type: 'group', group_id: 'g-7' });
    expect(byId['e2e-alias']).toMatchObject({ type: 'alias', previous_id: 'anon-9', user_id: 'u-1' });
    expect(byId['e2e-order']!['library']).toBe('@segment/analytics-node');

    const items = await queryRows<{ product_id: string; quantity: number; price: number }>(
      clickhouse,
      `SELECT product_id, quantity, price FROM ${database}.order_items FINAL WHERE order_id = 'o-1' ORDER BY line`,
    );
    expect(items).toEqual([
      { product_id: 'p-1', quantity: 2, price: 10 },
      { product_id: 'p-2', quantity: 1, price: 22.5 },
    ]);
  });
});
