import { rmSync } from 'node:fs';
import { type ClickHouseClient, createClickHouse } from '@pulse/clickhouse';
import { sleep } from '@pulse/common';
import { encodeStoredEvent, type StoredEvent } from '@pulse/events';
import { type Ingest, InsertUnavailableError, start as startIngest } from '@pulse/ingest';
import { ensureTopics, topicCatalogue, topicNames, waitForConsumer } from '@pulse/kafka';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryOne, storedMessageIds, testDatabase } from '../support/chdb.js';
import { tempDir, uniqueName } from '../support/ids.js';
import { ingestTestConfig } from '../support/ingest.js';
import { deleteTopics, testKafka } from '../support/kafka.js';
import { metricValue } from '../support/metrics.js';
import { retailStoredEvents, storedEventMessages } from '../support/retail-events.js';
import { committedRecords, EventStream } from '../support/stream.js';
import { waitUntil } from '../support/wait.js';

// ClickHouse inserts fail for a while (injected at the client boundary, as a server that refuses
// connections would) while real Online Retail events keep flowing into Kafka. Ingest must stop
// committing, hold no more than its bound of rows (the batch being retried and the one filling up,
// each at most batchRows plus one partition fetch), leave the rest waiting in Kafka, and once the
// inserts work again store every event exactly once.

const TOTAL = 28_000;
const BATCH_ROWS = 1000;
/** kafkajs's maxBytesPerPartition in ingest: one eachBatch brings at most this much. */
const FETCH_BYTES = 4 * 1024 * 1024;
const OUTAGE_MS = 6000;

const kafka = testKafka();
const prefix = uniqueName('fault-ch');
const topics = topicNames(prefix);
const groupId = `${prefix}-ingest`;
const chdbPath = tempDir('pulse-fault-ch-chdb');
const database = testDatabase();
let events: StoredEvent[];
let clickhouse: ClickHouseClient;
let ingest: Ingest | undefined;
let down = false;
let failedInserts = 0;

beforeAll(async () => {
  events = await retailStoredEvents(TOTAL);
  await ensureTopics(kafka, topicCatalogue(prefix));
  clickhouse = createClickHouse({ database: 'default', chdbPath });
  ingest = await startIngest(
    // The retries log warnings, expected here.
    ingestTestConfig(prefix, {
      database,
      chdbPath: 'unused: the client is shared',
      batchRows: BATCH_ROWS,
      flushIntervalMs: 200,
      logLevel: 'error',
    }),
    {
      clickhouse,
      opsServer: false,
      wrapInserter: (inner) => ({
        async insert(rows) {
          if (down) {
            failedInserts++;
            throw new InsertUnavailableError('simulated outage: connection refused', undefined);
          }
          await inner.insert(rows);
        },
      }),
    },
  );
}, 120_000);

afterAll(async () => {
  await ingest?.close();
  await clickhouse?.close();
  await deleteTopics(kafka, prefix);
  rmSync(chdbPath, { recursive: true, force: true });
});

/**
 * The most rows one fetch can bring: as many of the smallest events as fit in FETCH_BYTES (kafkajs
 * may exceed the limit by one record to make progress).
 */
function rowsPerFetch(all: readonly StoredEvent[]): number {
  const sizes = all.map((e) => Buffer.byteLength(encodeStoredEvent(e))).sort((a, b) => a - b);
  let bytes = 0;
  let n = 0;
  while (n < sizes.length && bytes + sizes[n]! <= FETCH_BYTES) bytes += sizes[n++]!;
  return n + 1;
}

describe('ClickHouse inserts failing for a while', () => {
  it('pauses ingest with bounded memory while events keep flowing, then stores each once', async () => {
    const registry = ingest!.registry;
    const bound = 2 * (BATCH_ROWS + rowsPerFetch(events));
    expect(bound).toBeLessThan(TOTAL * 0.7);
    const messages = storedEventMessages(events);
    const stream = await EventStream.open(kafka, topics.events, 200, 20, (from, to) =>
      messages.slice(from - 1, to),
    );
    const committed = () => committedRecords(kafka, groupId, topics.events);
    try {
      const flowing = stream.until(TOTAL);
      await waitUntil(async () => (await committed()) >= 1000, 60_000, 'first commits');

      down = true;
      await waitUntil(() => failedInserts > 0, 30_000, 'a failed insert');
      const outageStarted = Date.now();
      // A batch written before the outage may still commit; nothing after the first failure can.
      const atOutage = await committed();
      let maxBuffered = 0;
      const commits: number[] = [];
      // The outage lasts until the whole stream is in Kafka, and at least OUTAGE_MS.
      const watch = setInterval(() => {
        void committed().then((n) => commits.push(n));
        void metricValue(registry, 'pulse_ingest_buffered_rows').then((n) => {
          maxBuffered = Math.max(maxBuffered, n);
        });
      }, 100);
      try {
        await flowing;
        await sleep(Math.max(0, OUTAGE_MS - (Date.now() - outageStarted)));
        // Paused, not slow: nothing more is consumed while most of the stream waits in Kafka.
        const consumed = await metricValue(registry, 'pulse_ingest_records_total');
        await sleep(2000);
        expect(await metricValue(registry, 'pulse_ingest_records_total')).toBe(consumed);
        expect(consumed - atOutage).toBeLessThanOrEqual(bound);
        expect(TOTAL - consumed).toBeGreaterThan(bound);
      } finally {
        clearInterval(watch);
      }
      expect(failedInserts).toBeGreaterThan(1);
      expect(commits.length).toBeGreaterThan(10);
      expect(new Set([...commits, await committed()])).toEqual(new Set([atOutage]));
      expect(maxBuffered).toBeGreaterThan(0);
      expect(maxBuffered).toBeLessThanOrEqual(bound);

      down = false;
    } finally {
      await stream.close();
    }

    await waitForConsumer(kafka, groupId, topics.events, { timeoutMs: 120_000 });
    const stored = await storedMessageIds(clickhouse, database);
    expect(stored.length).toBe(TOTAL);
    expect(new Set(stored)).toEqual(new Set(events.map((e) => e.message_id)));
    // No row was written twice either: the failed inserts wrote nothing, and each batch went in once.
    const raw = await queryOne<{ n: number | string }>(
      clickhouse,
      `SELECT count() AS n FROM ${database}.events`,
    );
    expect(Number(raw.n)).toBe(TOTAL);
    expect(await metricValue(registry, 'pulse_clickhouse_insert_rows_total')).toBe(TOTAL);
    expect(
      await metricValue(registry, 'pulse_clickhouse_insert_failures_total', { kind: 'unavailable' }),
    ).toBe(failedInserts);
  }, 240_000);
});
