import { rmSync } from 'node:fs';
import { type ClickHouseClient, createClickHouse } from '@pulse/clickhouse';
import { sleep } from '@pulse/common';
import { encodeStoredEvent, toStoredEvent, validateEvent } from '@pulse/events';
import {
  type EventInserter,
  type Ingest,
  type IngestConfig,
  InsertUnavailableError,
  RowsRejectedError,
  start,
} from '@pulse/ingest';
import {
  consumerLag,
  createIdempotentProducer,
  type DeadLetter,
  ensureTopics,
  topicCatalogue,
  topicNames,
} from '@pulse/kafka';
import type { Message, Producer } from 'kafkajs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { queryOne, testDatabase } from '../support/chdb.js';
import { tempDir, uniqueName } from '../support/ids.js';
import { ingestTestConfig } from '../support/ingest.js';
import { deleteTopics, readTopic, testKafka } from '../support/kafka.js';
import { metricValue as metric } from '../support/metrics.js';

// One chdb data directory for the whole file (one engine per process); each
// test gets its own database, topic prefix and consumer group.
// A fresh client per test: kafkajs keeps refreshing metadata of every topic
// a client has used, and fails once an earlier test's topics are deleted.
let kafka = testKafka();
let clickhouse: ClickHouseClient;
// One producer per test: kafkajs keeps refreshing the metadata of every topic
// it produced to, and fails once an earlier test deleted one of them.
let producer: Producer;

const chdbPath = tempDir('pulse-ingest-chdb');

beforeAll(() => {
  clickhouse = createClickHouse({ database: 'default', chdbPath });
});

afterAll(async () => {
  await clickhouse?.close();
  rmSync(chdbPath, { recursive: true, force: true });
});

interface TestPipeline {
  prefix: string;
  database: string;
  groupId: string;
  topic: string;
  deadLetterTopic: string;
  config(overrides?: Partial<IngestConfig>): IngestConfig;
  start(options?: {
    config?: Partial<IngestConfig>;
    wrapInserter?: (i: EventInserter) => EventInserter;
    opsServer?: boolean;
  }): Promise<Ingest>;
}

const cleanups: Array<() => Promise<unknown>> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

/** Topics, a consumer group and a database of the test's own; the ingests it starts are closed after the test. */
async function pipeline(): Promise<TestPipeline> {
  kafka = testKafka();
  const prefix = uniqueName('ingest');
  const database = testDatabase();
  const groupId = `${prefix}-ingest`;
  const names = topicNames(prefix);
  await ensureTopics(kafka, topicCatalogue(prefix));
  const ownProducer = createIdempotentProducer(kafka);
  await ownProducer.connect();
  producer = ownProducer;
  cleanups.push(
    () => deleteTopics(kafka, prefix),
    () => ownProducer.disconnect(),
    () => clickhouse.command({ query: `DROP DATABASE IF EXISTS ${database}` }),
  );
  const config = (overrides: Partial<IngestConfig> = {}) =>
    ingestTestConfig(prefix, { database, chdbPath: 'unused: the client is shared', groupId, ...overrides });
  return {
    prefix,
    database,
    groupId,
    topic: names.events,
    deadLetterTopic: names.deadLetters,
    config,
    async start(options = {}) {
      const ingest = await start(config(options.config), {
        clickhouse,
        opsServer: options.opsServer ?? false,
        ...(options.wrapInserter ? { wrapInserter: options.wrapInserter } : {}),
      });
      cleanups.push(() => ingest.close());
      return ingest;
    },
  };
}

interface ProducedEvent {
  messageId: string;
  key: string;
  value: string;
  index: number;
}

const BASE_TIME = Date.UTC(2024, 4, 1);

/**
 * Stored events as the collector writes them: every fifth is an Order
 * Completed with an order id and a revenue, the others a Page Scrolled with a
 * depth. `pad` adds a property of that many characters.
 */
function storedEvents(
  run: string,
  from: number,
  count: number,
  options: { pad?: number } = {},
): ProducedEvent[] {
  const events: ProducedEvent[] = [];
  for (let index = from; index < from + count; index++) {
    const receivedAt = new Date(BASE_TIME + index * 1000 + 500);
    const order = index % 5 === 0;
    const validated = validateEvent(
      {
        type: 'track',
        messageId: `${run}-${index}`,
        userId: `user-${index % 700}`,
        event: order ? 'Order Completed' : 'Page Scrolled',
        timestamp: new Date(BASE_TIME + index * 1000 + (index % 1000)).toISOString(),
        properties: {
          ...(order
            ? { order_id: `order-${index}`, revenue: index % 1000, currency: 'USD' }
            : { depth: index % 100 }),
          ...(options.pad ? { pad: 'x'.repeat(options.pad) } : {}),
        },
        context: { page: { url: `https://shop.example/p/${index}` } },
      },
      { receivedAt },
    );
    if (!validated.ok) {
      throw new Error(`test event ${index} is invalid: ${JSON.stringify(validated.problems)}`);
    }
    const stored = toStoredEvent(validated.value, { receivedAt, sourceId: 'test-source' });
    events.push({
      messageId: stored.message_id,
      key: stored.user_key,
      value: encodeStoredEvent(stored),
      index,
    });
  }
  return events;
}

/** Produces messages (a ProducedEvent is one) in requests of `chunk`. */
async function produce(topic: string, messages: Message[], chunk = 2000): Promise<void> {
  for (let i = 0; i < messages.length; i += chunk) {
    await producer.send({ topic, acks: -1, messages: messages.slice(i, i + chunk) });
  }
}

/** Produces one record to partition 0 and returns its offset. */
async function produceAt0(topic: string, value: Buffer | string | null): Promise<string> {
  const [metadata] = await producer.send({
    topic,
    acks: -1,
    messages: [{ partition: 0, key: 'poison', value }],
  });
  return metadata!.baseOffset!;
}

async function totalLag(p: TestPipeline): Promise<number> {
  return (await consumerLag(kafka, p.groupId, p.topic)).reduce((sum, partition) => sum + partition.lag, 0);
}

/** Waits until the group committed everything in the events topic: everything is in ClickHouse or the DLQ. */
async function waitForCommitted(p: TestPipeline, timeoutMs = 60_000): Promise<void> {
  await waitFor(
    async () => (await totalLag(p)) === 0,
    timeoutMs,
    async () => `lag ${await totalLag(p)}`,
  );
}

async function waitFor(
  check: () => Promise<boolean>,
  timeoutMs: number,
  describeState: () => Promise<string> | string,
  intervalMs = 100,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`gave up after ${timeoutMs} ms: ${await describeState()}`);
    await sleep(intervalMs);
  }
}

async function histogram(registry: Ingest['registry'], name: string) {
  const { values } = await registry.getSingleMetric(name)!.get();
  const find = (suffix: string, le?: number) =>
    values.find((v) => (v as { metricName?: string }).metricName === name + suffix && v.labels['le'] === le)
      ?.value;
  return { count: find('_count') ?? 0, bucket: (le: number) => find('_bucket', le) ?? 0 };
}

async function counts(database: string) {
  const row = await queryOne<{ final: string; unique: string }>(
    clickhouse,
    `SELECT count() AS final, uniqExact(message_id) AS unique FROM ${database}.events FINAL`,
  );
  const raw = await queryOne<{ raw: string }>(clickhouse, `SELECT count() AS raw FROM ${database}.events`);
  return { final: Number(row.final), unique: Number(row.unique), raw: Number(raw.raw) };
}

function recordingInserter(sizes: number[]) {
  return (inner: EventInserter): EventInserter => ({
    async insert(rows) {
      await inner.insert(rows);
      sizes.push(rows.length);
    },
  });
}

describe('ingest: Kafka → ClickHouse', () => {
  it('stores every stored event once, in the right columns, and dead-letters exactly the poison records', async () => {
    const p = await pipeline();
    const run = uniqueName('m');
    const events = storedEvents(run, 0, 25_000);
    await produce(p.topic, events);
    // Exact redeliveries of 500 of them (same key, so same partition).
    await produce(
      p.topic,
      events.filter((e) => e.index % 50 === 7),
    );
    const invalidUtf8 = Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]);
    const poison = {
      invalidJson: await produceAt0(p.topic, '{"type": "track", "event": '),
      invalidUtf8: await produceAt0(p.topic, invalidUtf8),
      array: await produceAt0(p.topic, '[{"type":"track","event":"A","userId":"u"}]'),
      missingFields: await produceAt0(p.topic, JSON.stringify({ v: 1, message_id: 'poison-missing' })),
      nullValue: await produceAt0(p.topic, null),
    };

    const ingest = await p.start();
    await waitForCommitted(p, 90_000);

    expect(await counts(p.database)).toMatchObject({ final: 25_000, unique: 25_000 });

    // Columns: one event read back field by field.
    const sample = events[1235]!;
    const row = await queryOne<Record<string, string | number | null>>(
      clickhouse,
      `SELECT type, event, user_id, user_key, source_id, toUnixTimestamp64Milli(timestamp) AS ts,
              toUnixTimestamp64Milli(received_at) AS received, order_id, revenue, currency,
              JSONExtractString(properties, 'order_id') AS json_order_id,
              JSONExtractString(context, 'page', 'url') AS url
       FROM ${p.database}.events FINAL WHERE message_id = {id:String}`,
      { id: sample.messageId },
    );
    // 64-bit integers come as strings from a server, as numbers from chdb.
    expect({ ...row, ts: Number(row.ts), received: Number(row.received) }).toEqual({
      type: 'track',
      event: 'Order Completed',
      user_id: 'user-535',
      user_key: 'user-535',
      source_id: 'test-source',
      ts: BASE_TIME + 1235 * 1000 + 235,
      received: BASE_TIME + 1235 * 1000 + 500,
      order_id: 'order-1235',
      revenue: 235,
      currency: 'USD',
      json_order_id: 'order-1235',
      url: 'https://shop.example/p/1235',
    });

    // Columns: aggregates over everything, through JSON and through the materialized columns.
    const orders = events.filter((e) => e.index % 5 === 0);
    const aggregates = await queryOne<Record<string, number | string>>(
      clickhouse,
      `SELECT countIf(order_id != '') AS orders, sum(revenue) AS revenue,
              sumIf(JSONExtractInt(properties, 'depth'), event = 'Page Scrolled') AS depth,
              uniqExact(user_key) AS users
       FROM ${p.database}.events FINAL`,
    );
    expect(Object.fromEntries(Object.entries(aggregates).map(([k, v]) => [k, Number(v)]))).toEqual({
      orders: orders.length,
      revenue: orders.reduce((sum, e) => sum + (e.index % 1000), 0),
      depth: events.filter((e) => e.index % 5 !== 0).reduce((sum, e) => sum + (e.index % 100), 0),
      users: 700,
    });

    // The dead-letter topic holds exactly the poison records, each with where it came from and its bytes.
    const deadLetters = (await readTopic(kafka, p.deadLetterTopic)).map(
      (m) => JSON.parse(m.value!) as DeadLetter,
    );
    const byOffset = new Map(deadLetters.map((d) => [d.source.offset, d]));
    expect(deadLetters).toHaveLength(5);
    expect([...byOffset.keys()].sort()).toEqual(Object.values(poison).sort());
    for (const d of deadLetters) {
      expect(d.source).toMatchObject({ topic: p.topic, partition: 0, key: 'poison' });
      expect(d.problems.length).toBeGreaterThan(0);
      expect(d.reason.length).toBeGreaterThan(0);
      expect(d.service).toBe('ingest');
    }
    expect(byOffset.get(poison.invalidJson)).toMatchObject({
      reason_code: 'invalid_event',
      value: '{"type": "track", "event": ',
      value_base64: null,
      problems: [{ code: 'format' }],
    });
    expect(byOffset.get(poison.invalidUtf8)).toMatchObject({
      reason_code: 'invalid_event',
      value: null,
      value_base64: invalidUtf8.toString('base64'),
    });
    expect(byOffset.get(poison.array)).toMatchObject({
      reason_code: 'invalid_event',
      value: '[{"type":"track","event":"A","userId":"u"}]',
      problems: [{ path: '', code: 'type' }],
    });
    expect(byOffset.get(poison.missingFields)?.reason_code).toBe('invalid_event');
    expect(byOffset.get(poison.missingFields)?.problems).toEqual(
      expect.arrayContaining([expect.objectContaining({ path: 'user_key', code: 'required' })]),
    );
    expect(byOffset.get(poison.nullValue)).toMatchObject({ reason_code: 'empty_value', value_base64: null });

    // The metrics say the same.
    expect(await metric(ingest.registry, 'pulse_clickhouse_insert_rows_total')).toBe(25_000);
    expect(await metric(ingest.registry, 'pulse_dead_letters_total')).toBe(5);
    expect(await metric(ingest.registry, 'pulse_dead_letters_total', { reason: 'invalid_event' })).toBe(4);
    expect(await metric(ingest.registry, 'pulse_dead_letters_total', { reason: 'empty_value' })).toBe(1);
    expect(await metric(ingest.registry, 'pulse_ingest_records_total', { outcome: 'row' })).toBe(25_000);
    // At least the 500 produced twice; a rebalance may deliver uncommitted records once more.
    expect(
      await metric(ingest.registry, 'pulse_ingest_records_total', { outcome: 'duplicate' }),
    ).toBeGreaterThanOrEqual(500);
  });

  it('inserts in batches of at least batchRows, the tail when flushIntervalMs has passed', async () => {
    const p = await pipeline();
    const sizes: number[] = [];
    // Everything is in Kafka before ingest starts, so only the tail can wait for the timer.
    await produce(p.topic, storedEvents(uniqueName('m'), 0, 25_000));
    const ingest = await p.start({
      config: { batchRows: 10_000, flushIntervalMs: 3000 },
      wrapInserter: recordingInserter(sizes),
    });
    await waitForCommitted(p);

    expect(sizes.reduce((a, b) => a + b, 0)).toBe(25_000);
    expect(sizes.length).toBeLessThanOrEqual(3);
    for (const size of sizes.slice(0, -1)) expect(size).toBeGreaterThanOrEqual(10_000);
    // The histogram agrees: no insert of 5,000 rows or fewer except possibly the tail.
    const batchRows = await histogram(ingest.registry, 'pulse_ingest_batch_rows');
    expect(batchRows.count).toBe(sizes.length);
    expect(batchRows.bucket(5000)).toBe(sizes.filter((s) => s <= 5000).length);
    expect(batchRows.bucket(5000)).toBeLessThanOrEqual(1);
    expect(await counts(p.database)).toMatchObject({ final: 25_000, raw: 25_000 });
  });

  it('inserts a handful of records once flushIntervalMs has passed', async () => {
    const p = await pipeline();
    const sizes: number[] = [];
    await p.start({
      config: { batchRows: 10_000, flushIntervalMs: 1000 },
      wrapInserter: recordingInserter(sizes),
    });
    // Ingest has joined the group (and subscribed from the beginning) once it returned from start.
    const produced = Date.now();
    await produce(p.topic, storedEvents(uniqueName('m'), 0, 5));
    await waitFor(
      async () => (await counts(p.database)).raw === 5,
      10_000,
      () => `inserts ${JSON.stringify(sizes)}`,
      25,
    );
    const elapsed = Date.now() - produced;

    expect(sizes).toEqual([5]);
    // Not at once (the batch is far from full) and not much later than the interval.
    expect(elapsed).toBeGreaterThanOrEqual(900);
    expect(elapsed).toBeLessThan(2500);
    await waitForCommitted(p, 10_000);
  });

  it('waits for ClickHouse while it is unavailable: nothing committed, memory bounded, not ready; then stores every event once', async () => {
    const p = await pipeline();
    const OUTAGE_MS = 5000;
    const BATCH_ROWS = 1000;
    // Large records so that the memory bound below is well under what was produced.
    const events = storedEvents(uniqueName('m'), 0, 12_000, { pad: 2000 });
    await produce(p.topic, events, 300);
    let outageStarted: number | undefined;
    let failedInserts = 0;
    const ingest = await p.start({
      // The retries log warnings, expected here.
      config: { batchRows: BATCH_ROWS, logLevel: 'error' },
      opsServer: true,
      wrapInserter: (inner) => ({
        async insert(rows) {
          outageStarted ??= Date.now();
          if (Date.now() - outageStarted < OUTAGE_MS) {
            failedInserts++;
            throw new InsertUnavailableError('simulated outage: connection refused', undefined);
          }
          await inner.insert(rows);
        },
      }),
    });

    await waitFor(
      async () => outageStarted !== undefined,
      30_000,
      () => 'no insert attempted',
    );
    let buffered = 0;
    while (Date.now() - outageStarted! < OUTAGE_MS - 1000) {
      buffered = Math.max(buffered, await metric(ingest.registry, 'pulse_ingest_buffered_rows'));
      await sleep(20);
    }
    // During the outage: nothing committed, and consumption waits for the insert.
    expect(await totalLag(p)).toBe(events.length);
    const consumed = await metric(ingest.registry, 'pulse_ingest_records_total');
    const readiness = await fetch(`http://127.0.0.1:${ingest.metricsPort}/readyz`);
    const readinessBody = (await readiness.json()) as { reasons: string[] };
    expect(failedInserts).toBeGreaterThan(1);

    // One kafkajs batch is at most 4 MiB per partition (maxBytesPerPartition): that is
    // what can arrive on top of a full batch. Rows held: the batch being retried plus
    // the one filling up, each at most batchRows + one partition fetch.
    const perFetch = Math.ceil((4 * 1024 * 1024) / Math.min(...events.map((e) => e.value.length)));
    const bound = 2 * (BATCH_ROWS + perFetch);
    expect(bound).toBeLessThan(events.length / 2);
    expect(buffered).toBeGreaterThan(0);
    expect(buffered).toBeLessThanOrEqual(bound);
    expect(consumed).toBeLessThanOrEqual(bound);
    expect(readiness.status).toBe(503);
    expect(readinessBody.reasons).toEqual([expect.stringContaining('simulated outage')]);

    // After the outage: everything stored exactly once, and ready again.
    await waitForCommitted(p);
    expect(await counts(p.database)).toEqual({
      final: events.length,
      unique: events.length,
      raw: events.length,
    });
    expect(await metric(ingest.registry, 'pulse_clickhouse_insert_rows_total')).toBe(events.length);
    expect(
      await metric(ingest.registry, 'pulse_clickhouse_insert_failures_total', { kind: 'unavailable' }),
    ).toBe(failedInserts);
    expect((await fetch(`http://127.0.0.1:${ingest.metricsPort}/readyz`)).status).toBe(200);
  });

  it('dead-letters a row ClickHouse refuses and stores the rest', async () => {
    const p = await pipeline();
    const MARKER = 'refuse-this-row';
    const events = storedEvents(uniqueName('m'), 0, 2000);
    await produce(p.topic, events);
    const refused = storedEvents(uniqueName('refused'), 5000, 1, { pad: 3 })[0]!;
    const refusedValue = refused.value.replace('"pad":"xxx"', `"pad":"${MARKER}"`);
    const refusedOffset = await produceAt0(p.topic, refusedValue);
    await produce(p.topic, storedEvents(uniqueName('m'), 2000, 1000));

    const ingest = await p.start({
      wrapInserter: (inner) => ({
        async insert(rows) {
          // What ClickHouse does with rows it cannot parse: the whole insert fails.
          if (rows.some((row) => row.includes(MARKER)))
            throw new RowsRejectedError('Cannot parse input', undefined);
          await inner.insert(rows);
        },
      }),
    });
    await waitForCommitted(p);

    expect(await counts(p.database)).toMatchObject({ final: 3000, unique: 3000 });
    const marked = await queryOne<{ n: string }>(
      clickhouse,
      `SELECT count() AS n FROM ${p.database}.events WHERE message_id = {id:String}`,
      { id: refused.messageId },
    );
    expect(Number(marked.n)).toBe(0);
    const deadLetters = (await readTopic(kafka, p.deadLetterTopic)).map(
      (m) => JSON.parse(m.value!) as DeadLetter,
    );
    expect(deadLetters).toHaveLength(1);
    expect(deadLetters[0]).toMatchObject({
      reason_code: 'clickhouse_rejected',
      source: { topic: p.topic, partition: 0, offset: refusedOffset },
      value: refusedValue,
      problems: [{ reason: expect.stringContaining('Cannot parse input') }],
    });
    expect(await metric(ingest.registry, 'pulse_dead_letters_total', { reason: 'clickhouse_rejected' })).toBe(
      1,
    );
    expect(await metric(ingest.registry, 'pulse_clickhouse_insert_rows_total')).toBe(3000);
  });

  it('inserts and commits what it consumed when closed, so a restart inserts nothing twice', async () => {
    const p = await pipeline();
    await produce(p.topic, storedEvents(uniqueName('m'), 0, 500));
    // The timer never fires in this test: only close() can insert.
    const first = await p.start({ config: { flushIntervalMs: 600_000 } });
    // Counted by rows taken, not records fetched: a rebalance (a topic's metadata
    // arriving late, a slow heartbeat on a loaded machine) delivers uncommitted
    // records again, and the dedup window counts those as duplicates.
    const taken = (registry: Ingest['registry']) =>
      metric(registry, 'pulse_ingest_records_total', { outcome: 'row' });
    await waitFor(
      async () => (await taken(first.registry)) === 500,
      60_000,
      async () =>
        `rows ${await taken(first.registry)}, records ${await metric(first.registry, 'pulse_ingest_records_total')}`,
    );
    expect((await counts(p.database)).raw).toBe(0);
    expect(await totalLag(p)).toBe(500);

    await first.close();
    expect(await totalLag(p)).toBe(0);
    expect(await counts(p.database)).toEqual({ final: 500, unique: 500, raw: 500 });

    const second = await p.start();
    await produce(p.topic, storedEvents(uniqueName('m'), 500, 10));
    await waitForCommitted(p);
    expect(await taken(second.registry)).toBe(10);
    expect(await metric(second.registry, 'pulse_clickhouse_insert_rows_total')).toBe(10);
    expect(await counts(p.database)).toEqual({ final: 510, unique: 510, raw: 510 });
  });

  it('stores a batch whose events span more than 100 months (partitions)', async () => {
    const p = await pipeline();
    // 150 events of one user (one Kafka partition, so one batch), one per month from 2010:
    // one insert touches 150 ClickHouse partitions.
    const events = Array.from({ length: 150 }, (_, month) => {
      const at = new Date(Date.UTC(2010, month, 15));
      const validated = validateEvent(
        {
          type: 'identify',
          messageId: `backfill-${month}`,
          userId: 'backfill-user',
          timestamp: at.toISOString(),
        },
        { receivedAt: new Date() },
      );
      if (!validated.ok) throw new Error(JSON.stringify(validated.problems));
      const stored = toStoredEvent(validated.value, { receivedAt: new Date(), sourceId: 'backfill' });
      return { key: stored.user_key, value: encodeStoredEvent(stored) };
    });
    await produce(p.topic, events);
    const sizes: number[] = [];
    await p.start({ wrapInserter: recordingInserter(sizes) });
    await waitForCommitted(p, 30_000);

    expect(sizes).toEqual([150]);
    const months = await queryOne<{ n: string }>(
      clickhouse,
      `SELECT uniqExact(toYYYYMM(timestamp)) AS n FROM ${p.database}.events`,
    );
    expect(Number(months.n)).toBe(150);
  });
});
