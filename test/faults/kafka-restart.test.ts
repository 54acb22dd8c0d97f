import { rmSync } from 'node:fs';
import { type ClickHouseClient, createClickHouse } from '@pulse/clickhouse';
import type { Collector } from '@pulse/collector';
import { type Ingest, start as startIngest } from '@pulse/ingest';
import { ensureTopics, topicCatalogue, topicNames, waitForConsumer } from '@pulse/kafka';
import { type ModelingService, modelingConfigFromEnv, start as startModeling } from '@pulse/modeling';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrivateBroker } from '../support/broker.js';
import { storedMessageIds, testDatabase } from '../support/chdb.js';
import { collectorTestConfig, startTestCollector } from '../support/collector.js';
import { tempDir, uniqueName } from '../support/ids.js';
import { ingestTestConfig } from '../support/ingest.js';
import { testKafka } from '../support/kafka.js';
import { metricValue } from '../support/metrics.js';
import { freePort } from '../support/ports.js';
import { type RetailCall, retailCalls } from '../support/retail-events.js';
import { SegmentClients } from '../support/segment-clients.js';
import { waitUntil } from '../support/wait.js';

// The broker is stopped under load and started again, with the collector, ingest and the modeling
// service (in this process) connected to it. The collector must answer 503 while it cannot write
// (never 200), the clients send again, and in the end ClickHouse holds every acknowledged event
// once and the models applied each one once.

const TOTAL = 6000;
const prefix = uniqueName('fault-kafka');
const topics = topicNames(prefix);
const chdbPath = tempDir('pulse-fault-kafka-chdb');
const database = testDatabase();
const modelingGroup = `${prefix}-modeling`;
let broker: PrivateBroker;
let calls: RetailCall[];
let clickhouse: ClickHouseClient;
let collector: Collector | undefined;
let ingest: Ingest | undefined;
let modeling: ModelingService | undefined;

beforeAll(async () => {
  calls = await retailCalls(TOTAL);
  broker = new PrivateBroker(await freePort(), await freePort());
  await broker.start();
  const kafka = testKafka(broker.brokers);
  await ensureTopics(kafka, topicCatalogue(prefix));
  clickhouse = createClickHouse({ database: 'default', chdbPath });
  ingest = await startIngest(
    ingestTestConfig(prefix, {
      database,
      chdbPath: 'unused: the client is shared',
      brokers: broker.brokers,
      batchRows: 2000,
      logLevel: 'fatal',
    }),
    { clickhouse, opsServer: false },
  );
  modeling = await startModeling(
    modelingConfigFromEnv({
      KAFKA_BROKERS: broker.brokers.join(','),
      KAFKA_TOPIC_PREFIX: prefix,
      MODELING_GROUP_ID: modelingGroup,
      CLICKHOUSE_DATABASE: testDatabase(),
      MODELING_API_PORT: '0',
      MODELING_API_HOST: '127.0.0.1',
      MODELING_CHECKPOINT_INTERVAL_MS: '300',
      MODELING_SIMILARITY_INTERVAL_MS: '0',
      MODELING_TICK_INTERVAL_MS: '0',
      MODELING_LOG_LEVEL: 'fatal',
    }),
    { clickhouse, opsServer: false },
  );
  const base = collectorTestConfig(prefix);
  collector = await startTestCollector(prefix, {
    logLevel: 'fatal',
    rateLimitPerSource: 0,
    kafka: { ...base.kafka, brokers: broker.brokers },
  });
}, 240_000);

afterAll(async () => {
  await collector?.close();
  await ingest?.close();
  await modeling?.close();
  await clickhouse?.close();
  await broker?.destroy();
  rmSync(chdbPath, { recursive: true, force: true });
}, 120_000);

describe('Kafka broker stopped and restarted under load', () => {
  it('answers 503 meanwhile, and stores and models every acknowledged event exactly once', async () => {
    const clients = new SegmentClients({
      url: () => collector!.url,
      calls,
      clients: 8,
      batchSize: 20,
      pauseMs: 100,
      timeoutMs: 15_000,
    });
    try {
      await waitUntil(() => clients.acknowledged >= TOTAL / 4, 60_000, 'first 200s');
      await broker.stop();
      const answersAtStop = clients.answerCounts()['503'] ?? 0;
      await waitUntil(() => (clients.answerCounts()['503'] ?? 0) > answersAtStop, 30_000, '503s');
      const atStop = clients.acknowledged;
      expect(atStop).toBeLessThan(TOTAL);
      await broker.start();
      await clients.done;
    } finally {
      await clients.stop();
    }

    const acknowledged = new Set(clients.acknowledgedIds());
    expect(clients.refusals).toEqual([]);
    expect(acknowledged.size).toBe(TOTAL);
    const answers = clients.answerCounts();
    // Never hanging, never another status: 503 (or 429 under back-pressure) until Kafka is back.
    expect(Object.keys(answers).filter((a) => a !== '200' && a !== '503' && a !== '429')).toEqual([]);
    expect(clients.resent().length).toBeGreaterThan(0);

    const kafka = testKafka(broker.brokers);
    await waitForConsumer(kafka, `${prefix}-ingest`, topics.events, { timeoutMs: 120_000 });
    const stored = await storedMessageIds(clickhouse, database);
    expect(stored.length).toBe(TOTAL);
    expect(new Set(stored)).toEqual(acknowledged);

    // The modeling service applied each distinct event once, the resent ones included.
    await waitForConsumer(kafka, modelingGroup, topics.events, { timeoutMs: 120_000 });
    const registry = modeling!.registry;
    expect(modeling!.worker.consumer.stats.events).toBe(TOTAL);
    const { values } = await registry.getSingleMetric('pulse_model_updates_total')!.get();
    expect(values.length).toBeGreaterThan(0);
    const updates = (value: (v: (typeof values)[number]) => number) =>
      Object.fromEntries(values.map((v) => [String(v.labels['model']), value(v)]));
    expect(updates((v) => v.value)).toEqual(updates(() => TOTAL));
    expect(await metricValue(registry, 'pulse_model_skipped_events_total')).toBe(0);
  }, 300_000);
});
