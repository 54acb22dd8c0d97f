import { type ClickHouseClient, createClickHouse, queryRows } from '@pulse/clickhouse';
import { createLogger } from '@pulse/common';
import { decodeSegmentChange, type StoredEvent } from '@pulse/events';
import { createIdempotentProducer, ensureTopics, topicCatalogue, topicNames } from '@pulse/kafka';
import { type ModelingService, modelingConfigFromEnv, start } from '@pulse/modeling';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryOne, testDatabase } from '../support/chdb.js';
import { BROKERS, tempDir, uniqueName } from '../support/ids.js';
import { deleteTopics, readCommitted, testKafka } from '../support/kafka.js';
import { retailStoredEvents, storedEventMessages } from '../support/retail-events.js';
import { waitUntil } from '../support/wait.js';

const EVENTS = 6000;
const kafka = testKafka();
const prefix = uniqueName('modeling-svc');
const database = testDatabase();
let clickhouse: ClickHouseClient;
let events: StoredEvent[];

function config(groupId = `${prefix}-modeling`) {
  return modelingConfigFromEnv({
    KAFKA_BROKERS: BROKERS.join(','),
    KAFKA_TOPIC_PREFIX: prefix,
    MODELING_GROUP_ID: groupId,
    CLICKHOUSE_DATABASE: database,
    MODELING_METRICS_PORT: '0',
    MODELING_API_PORT: '0',
    MODELING_API_HOST: '127.0.0.1',
    MODELING_CHECKPOINT_INTERVAL_MS: '300',
    MODELING_SIMILARITY_INTERVAL_MS: '500',
    MODELING_TICK_INTERVAL_MS: '0',
    MODELING_LOG_LEVEL: 'warn',
  });
}

const logger = createLogger({ service: 'modeling-test', level: 'warn' });

async function get(
  service: ModelingService,
  path: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`http://127.0.0.1:${service.apiPort}${path}`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  clickhouse = createClickHouse({ database, chdbPath: tempDir('pulse-modeling-svc') });
  await ensureTopics(kafka, topicCatalogue(prefix));
  events = await retailStoredEvents(EVENTS);
  const producer = createIdempotentProducer(kafka);
  await producer.connect();
  // The first 100 events twice, as a client retrying a request it got no answer to would send them.
  const messages = [...storedEventMessages(events), ...storedEventMessages(events.slice(0, 100))];
  for (let i = 0; i < messages.length; i += 100) {
    await producer.send({ topic: topicNames(prefix).events, messages: messages.slice(i, i + 100) });
  }
  await producer.disconnect();
}, 120_000);

afterAll(async () => {
  await clickhouse?.close();
  await deleteTopics(kafka, prefix);
});

describe('the modeling service on real Online Retail events', () => {
  it('learns the events, serves recommendations and segments, and publishes each segment change once', async () => {
    const service = await start(config(), { clickhouse, logger, opsServer: true });
    let changes: number;
    try {
      await waitUntil(() => service.worker.consumer.stats.events === EVENTS, 90_000, 'all events applied');
      // A checkpoint publishes the changes it made durable.
      await waitUntil(
        () => service.segments.lastSeq > 0 && service.publisher.publishedSeq === service.segments.lastSeq,
        30_000,
        'segment changes published',
      );
      changes = service.segments.lastSeq;

      const order = events.find((e) => e.event === 'Order Completed')!;
      const product = (order.properties['products'] as Array<{ product_id: string }>)[0]!.product_id;
      const similar = await get(service, `/v1/recommendations/items/${product}?k=5`);
      expect(similar.status).toBe(200);
      expect(similar.body['itemId']).toBe(product);
      expect((similar.body['items'] as unknown[]).length).toBe(5);

      const unknown = await get(service, '/v1/recommendations/items/no-such-product');
      expect(unknown.status).toBe(404);
      expect(unknown.body['reason']).toContain('no-such-product');
      const badK = await get(service, `/v1/recommendations/items/${product}?k=zero`);
      expect(badK.status).toBe(400);
      expect(badK.body['field']).toBe('k');

      const buyer = order.user_key;
      const forBuyer = await get(service, `/v1/recommendations/users/${buyer}?k=10`);
      expect(forBuyer.status).toBe(200);
      const bought = new Set(service.people.of(buyer)!.purchased);
      const recommended = (forBuyer.body['items'] as Array<{ item: string }>).map((r) => r.item);
      expect(recommended).toHaveLength(10);
      expect(recommended.filter((item) => bought.has(item))).toEqual([]);
      const stranger = await get(service, '/v1/recommendations/users/never-seen?k=3');
      expect(stranger.status).toBe(200);
      expect(stranger.body['source']).toBe('popularity');

      const customer = await get(service, `/v1/customers/${buyer}`);
      expect(customer.status).toBe(200);
      expect(customer.body['segments']).toEqual(service.segments.segments.segmentsOf(buyer));
      expect((customer.body['segments'] as string[]).length).toBeGreaterThan(0);
      expect((await get(service, '/v1/customers/never-seen')).status).toBe(404);

      const list = await get(service, '/v1/segments');
      const sizes = list.body['segments'] as Array<{ segment: string; size: number }>;
      expect(sizes.length).toBeGreaterThan(0);
      const first = sizes[0]!;
      const members = await get(service, `/v1/segments/${encodeURIComponent(first.segment)}?limit=2`);
      expect(members.body['size']).toBe(first.size);
      expect((members.body['members'] as string[]).length).toBe(Math.min(2, first.size));

      // item_similarity: the newest complete version holds every pair it announces.
      await waitUntil(
        async () => {
          const [row] = await queryRows<{ n: string }>(
            clickhouse,
            `SELECT count() AS n FROM ${database}.item_similarity_versions`,
          );
          return Number(row?.n ?? 0) > 0;
        },
        30_000,
        'a similarity version',
      );
      const version = await queryOne<{ version: string; pairs: string }>(
        clickhouse,
        `SELECT version, pairs FROM ${database}.item_similarity_versions ORDER BY version DESC LIMIT 1`,
      );
      const rows = await queryOne<{ n: string }>(
        clickhouse,
        `SELECT count() AS n FROM ${database}.item_similarity WHERE version = {v:UInt64}`,
        { v: version.version },
      );
      expect(Number(rows.n)).toBe(Number(version.pairs));
      expect(Number(rows.n)).toBeGreaterThan(0);

      const metrics = await (await fetch(`http://127.0.0.1:${service.metricsPort}/metrics`)).text();
      expect(metrics).toMatch(/pulse_model_updates_total\{model="segments"[^}]*\} 6000\n/);
      await waitUntil(
        async () =>
          /pulse_model_duplicate_events_total\{[^}]*\} 100\n/.test(await service.registry.metrics()),
        30_000,
        'the 100 resent events seen as duplicates',
      );
      expect(metrics).toMatch(/pulse_segment_changes_published_total\{change="entered"[^}]*\} [1-9]/);
      expect(metrics).toMatch(
        /pulse_http_requests_total\{route="\/v1\/recommendations\/items\/:itemId",status="404"[^}]*\} 1/,
      );
    } finally {
      await service.close();
    }

    // Every change is in the topic once, seq 1..n, and in ClickHouse.
    const read = await readCommitted(kafka, topicNames(prefix).segmentChanges);
    const seqs = read.map((m) => {
      const decoded = decodeSegmentChange(m.value);
      if (!decoded.ok) throw new Error(JSON.stringify(decoded.problems));
      expect(m.key).toBe(decoded.value.userKey);
      return decoded.value.seq;
    });
    expect(seqs.length).toBe(changes);
    expect(new Set(seqs).size).toBe(changes);
    expect(Math.max(...seqs)).toBe(changes);
    const stored = await queryOne<{ n: string }>(
      clickhouse,
      `SELECT count() AS n FROM ${database}.segment_changes FINAL`,
    );
    expect(Number(stored.n)).toBe(changes);
    const open = await queryOne<{ n: string }>(
      clickhouse,
      `SELECT count() AS n FROM ${database}.segment_membership WHERE exited_at IS NULL`,
    );
    const entered = read.filter((m) => m.value?.includes('"entered"')).length;
    const exited = read.length - entered;
    expect(Number(open.n)).toBe(entered - exited);

    // A restart resumes from the checkpoint: nothing is learned or published again.
    const again = await start(config(), { clickhouse, logger, opsServer: false });
    try {
      expect(again.worker.consumer.stats.events).toBe(EVENTS);
      expect(again.publisher.publishedSeq).toBe(changes);
      expect(again.segments.lastSeq).toBe(changes);
    } finally {
      await again.close();
    }
    expect((await readCommitted(kafka, topicNames(prefix).segmentChanges)).length).toBe(changes);
  }, 240_000);
});
