import { rmSync } from 'node:fs';
import { type ClickHouseClient, createClickHouse, queryRows } from '@pulse/clickhouse';
import { createLogger } from '@pulse/common';
import type { JsonValue, StoredEvent } from '@pulse/events';
import { start as startIngest } from '@pulse/ingest';
import { createIdempotentProducer, ensureTopics, topicCatalogue, topicNames } from '@pulse/kafka';
import {
  type DecayedCounts,
  type HybridSnapshot,
  type Interaction,
  ItemCooccurrence,
  interactionsFromTrack,
  modelingConfigFromEnv,
  recomputeCooccurrence,
  start as startModeling,
} from '@pulse/modeling';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryOne, testDatabase } from '../support/chdb.js';
import { BROKERS, tempDir, uniqueName } from '../support/ids.js';
import { ingestTestConfig } from '../support/ingest.js';
import { deleteTopics, readStoredEvents, testKafka } from '../support/kafka.js';
import { retailStoredEvents, storedEventMessages } from '../support/retail-events.js';
import { waitUntil } from '../support/wait.js';

// Real Online Retail events go into Kafka once; ingest stores them in the events table while the
// modeling service (its default model, hybrid) learns them from the same topic. A batch recompute
// from the events table must then give the incremental model's similarities.
//
// Order: the batch needs each person's events in the order the model learned them (the pairs an
// event makes depend on the items before it in its basket), and the model's sweep of idle baskets
// compares each basket with the newest event time of any person, so a partition lagging behind
// another could see a basket closed that a time-ordered replay keeps open. The events topic
// therefore has one partition, filled before anything consumes it, so the model learns the events
// in the order produced: time order. The events table keeps no Kafka offsets; within one timestamp
// the batch orders by message_id, and the test checks that this is the order read from the topic.

const EVENTS = 6000;
const kafka = testKafka();
const prefix = uniqueName('recs-batch');
const database = testDatabase();
const chdbPath = tempDir('pulse-recs-batch');
const logger = createLogger({ service: 'recs-batch-test', level: 'warn' });
let clickhouse: ClickHouseClient;
let events: StoredEvent[];

/**
 * Bounds high enough never to drop a pair or forget a basket item: the condition under which the
 * incremental state equals the batch exactly (with the default bounds it keeps the strongest pairs).
 */
const UNBOUNDED = { maxCandidatesPerItem: 1_000_000, maxPairs: 100_000_000, maxSessionItems: 100_000 };

beforeAll(async () => {
  clickhouse = createClickHouse({ database, chdbPath });
  await ensureTopics(kafka, topicCatalogue(prefix, { events: 1, deadLetters: 1, segmentChanges: 1 }));
  events = await retailStoredEvents(EVENTS);
  const producer = createIdempotentProducer(kafka);
  await producer.connect();
  const messages = storedEventMessages(events);
  // One partition takes a whole send as one record batch: kept under the broker's 1 MB limit.
  for (let i = 0; i < messages.length; i += 100) {
    await producer.send({ topic: topicNames(prefix).events, messages: messages.slice(i, i + 100) });
  }
  await producer.disconnect();
}, 120_000);

afterAll(async () => {
  await clickhouse?.close();
  await deleteTopics(kafka, prefix);
  rmSync(chdbPath, { recursive: true, force: true });
});

interface EventRow {
  message_id: string;
  user_key: string;
  event: string;
  properties: string;
  ts: string;
}

/** Keys equal and the largest absolute difference of the values. */
function countsDifference(a: DecayedCounts, b: DecayedCounts): { absolute: number; relative: number } {
  let absolute = Math.abs(a.total - b.total);
  let relative = absolute / Math.max(1, Math.abs(b.total));
  for (const name of ['norm', 'popularity', 'rowSum', 'pairs'] as const) {
    expect(a[name].size).toBe(b[name].size);
    for (const [key, value] of a[name]) {
      const other = b[name].get(key);
      if (other === undefined) throw new Error(`${name}: ${JSON.stringify(key)} missing from the batch`);
      const d = Math.abs(value - other);
      absolute = Math.max(absolute, d);
      relative = Math.max(relative, d / Math.max(1, Math.abs(other)));
    }
  }
  return { absolute, relative };
}

describe('recommendations: incremental against a batch recompute from the events table', () => {
  it('gives the same similarity for every tracked pair on real Online Retail events', async () => {
    const ingest = await startIngest(ingestTestConfig(prefix, { database, chdbPath }), {
      clickhouse,
      logger,
      opsServer: false,
    });
    const service = await startModeling(
      modelingConfigFromEnv({
        KAFKA_BROKERS: BROKERS.join(','),
        KAFKA_TOPIC_PREFIX: prefix,
        MODELING_GROUP_ID: `${prefix}-modeling`,
        CLICKHOUSE_DATABASE: database,
        MODELING_METRICS_PORT: '0',
        MODELING_API_PORT: '0',
        MODELING_API_HOST: '127.0.0.1',
        MODELING_SIMILARITY_INTERVAL_MS: '0',
        MODELING_TICK_INTERVAL_MS: '0',
        MODELING_LOG_LEVEL: 'warn',
        MODELING_RECS_SETTINGS: JSON.stringify({ hybrid: { knn: { cooccurrence: UNBOUNDED } } }),
      }),
      { clickhouse, logger, opsServer: false },
    );
    let snapshot: HybridSnapshot;
    try {
      expect(service.recs.name).toBe('recs:hybrid');
      await waitUntil(() => service.worker.consumer.stats.events === EVENTS, 120_000, 'all events learned');
      await waitUntil(
        async () =>
          Number(
            (await queryOne<{ n: string }>(clickhouse, `SELECT count() AS n FROM ${database}.events FINAL`))
              .n,
          ) === EVENTS,
        120_000,
        'all events stored',
      );
      snapshot = (service.recs.snapshot() as { model: HybridSnapshot }).model;
    } finally {
      await service.close();
      await ingest.close();
    }

    // The services grew the topic to their partition count on start; everything was in partition 0.
    const admin = kafka.admin();
    await admin.connect();
    const offsets = await admin.fetchTopicOffsets(topicNames(prefix).events);
    await admin.disconnect();
    expect(offsets.map((p) => [p.partition, Number(p.high)]).sort((a, b) => a[0]! - b[0]!)[0]).toEqual([
      0,
      EVENTS,
    ]);
    expect(offsets.reduce((n, p) => n + Number(p.high), 0)).toBe(EVENTS);

    // The batch side: the events table, nothing else.
    const rows = await queryRows<EventRow>(
      clickhouse,
      `SELECT message_id, user_key, event, properties, toUnixTimestamp64Milli(timestamp) AS ts
       FROM ${database}.events FINAL
       WHERE type = 'track'
       ORDER BY timestamp, message_id`,
    );
    const fromTable: Interaction[] = [];
    const tableOrder = new Map<string, string[]>();
    for (const row of rows) {
      const properties = JSON.parse(row.properties) as Record<string, JsonValue>;
      const xs = interactionsFromTrack(row.event, properties, row.user_key, Number(row.ts));
      if (xs.length === 0) continue;
      fromTable.push(...xs);
      tableOrder.set(row.user_key, [...(tableOrder.get(row.user_key) ?? []), row.message_id]);
    }
    // Each person's events in the table's order are those the model read from the topic, in its order.
    const topicOrder = new Map<string, string[]>();
    for (const { event } of await readStoredEvents(kafka, topicNames(prefix).events)) {
      if (event.type !== 'track' || !tableOrder.has(event.user_key)) continue;
      if (interactionsFromTrack(event.event, event.properties, event.user_key, 0).length === 0) continue;
      topicOrder.set(event.user_key, [...(topicOrder.get(event.user_key) ?? []), event.message_id]);
    }
    expect(topicOrder).toEqual(tableOrder);

    const state = snapshot.knn.cooccurrence;
    expect(state.config).toMatchObject(UNBOUNDED);
    expect(state.prunedEntries).toBe(0);
    expect(state.events).toBe(fromTable.length);
    const incremental = ItemCooccurrence.fromSnapshot(state);
    const at = incremental.watermarkMs!;
    expect(at).toBe(Math.max(...fromTable.map((x) => x.ts)));
    const batch = recomputeCooccurrence(fromTable, state.config, at);

    // Not vacuous: thousands of products, over a million tracked pairs, recent pairs with weight.
    expect(batch.norm.size).toBeGreaterThan(2500);
    expect(batch.pairs.size).toBeGreaterThan(1_000_000);
    expect(incremental.trackedEntries).toBe(batch.pairs.size);
    const counts = countsDifference(incremental.decayedCounts(at), batch);
    // Counters reach 10^7 (the total); their rounding is relative.
    expect(counts.relative).toBeLessThan(1e-12);

    // The similarities the model serves (asymmetric cosine) against those of the batch counts.
    const { measure, alpha } = snapshot.knn.config;
    expect(measure).toBe('cosine');
    let largest = 0;
    let compared = 0;
    let strongest = 0;
    for (const item of batch.norm.keys()) {
      const served = incremental.neighbours(item, batch.norm.size, measure, alpha);
      const normA = batch.norm.get(item)! ** alpha;
      for (const { item: other, score } of served) {
        const pair = batch.pairs.get(`${item}\u0000${other}`);
        if (pair === undefined) throw new Error(`${item} → ${other} is not a pair in the batch`);
        const expected = pair / (normA * batch.norm.get(other)! ** (1 - alpha));
        largest = Math.max(largest, Math.abs(score - expected));
        strongest = Math.max(strongest, expected);
        compared += 1;
      }
    }
    // Every batch pair has a positive score, so the model must have served each of them.
    expect(compared).toBe(batch.pairs.size);
    expect(strongest).toBeGreaterThan(0.5);
    expect(largest).toBeLessThan(1e-9);
    console.info(
      `recs batch equivalence: ${fromTable.length} interactions, ${batch.norm.size} items, ${compared} pairs; ` +
        `largest similarity difference ${largest.toExponential(2)}, counters ${counts.absolute.toExponential(2)} absolute / ${counts.relative.toExponential(2)} relative`,
    );
  }, 300_000);
});
