import { rmSync } from 'node:fs';
import { type ClickHouseClient, createClickHouse } from '@pulse/clickhouse';
import { type Ingest, start as startIngest } from '@pulse/ingest';
import { ensureTopics, topicCatalogue, topicNames, waitForConsumer } from '@pulse/kafka';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storedMessageIds, testDatabase } from '../support/chdb.js';
import { type ChildService, spawnService, stopService } from '../support/child.js';
import { WRITE_KEY } from '../support/collector.js';
import { getCollector } from '../support/http.js';
import { BROKERS, tempDir, uniqueName } from '../support/ids.js';
import { ingestTestConfig } from '../support/ingest.js';
import { deleteTopics, readStoredEvents, testKafka } from '../support/kafka.js';
import { freePort } from '../support/ports.js';
import { type RetailCall, retailCalls } from '../support/retail-events.js';
import { SegmentClients } from '../support/segment-clients.js';
import { waitWhileRunning } from '../support/stream.js';

// The collector as a process, killed with SIGKILL while HTTP clients send it real Online Retail
// events, then started again on the same port. A 200 means Kafka acknowledged, so every
// acknowledged event must be in Kafka; a request cut by the kill got no answer and the client sends
// it again (as Segment's SDKs do), so Kafka may hold such an event twice, and ingest (running in
// this process) still stores it once.

const TOTAL = 6000;
const kafka = testKafka();
const prefix = uniqueName('fault-collector-kill');
const topics = topicNames(prefix);
const chdbPath = tempDir('pulse-fault-collector-chdb');
const database = testDatabase();
let calls: RetailCall[];
let clickhouse: ClickHouseClient;
let ingest: Ingest | undefined;
const children: ChildService[] = [];

beforeAll(async () => {
  calls = await retailCalls(TOTAL);
  await ensureTopics(kafka, topicCatalogue(prefix));
  clickhouse = createClickHouse({ database: 'default', chdbPath });
  ingest = await startIngest(
    ingestTestConfig(prefix, { database, chdbPath: 'unused: the client is shared', batchRows: 2000 }),
    { clickhouse, opsServer: false },
  );
});

afterAll(async () => {
  for (const child of children.splice(0)) await stopService(child, 'SIGKILL');
  await ingest?.close();
  await clickhouse?.close();
  await deleteTopics(kafka, prefix);
  rmSync(chdbPath, { recursive: true, force: true });
});

async function startCollector(port: number): Promise<ChildService> {
  const child = spawnService('services/collector/src/main.ts', {
    COLLECTOR_HOST: '127.0.0.1',
    COLLECTOR_PORT: String(port),
    COLLECTOR_LOG_LEVEL: 'warn',
    PULSE_WRITE_KEYS: `${WRITE_KEY}:test-source`,
    COLLECTOR_RATE_LIMIT_PER_SOURCE: '0',
    KAFKA_BROKERS: BROKERS.join(','),
    KAFKA_TOPIC_PREFIX: prefix,
  });
  children.push(child);
  const ready = async () => {
    try {
      return (await getCollector(`http://127.0.0.1:${port}`, '/readyz', 2000)).status === 200;
    } catch {
      return false;
    }
  };
  await waitWhileRunning(ready, 60_000, 'the collector ready', child);
  return child;
}

describe('collector killed with SIGKILL', () => {
  it('stores every acknowledged event, and every resent one, exactly once', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const first = await startCollector(port);
    const clients = new SegmentClients({
      url: () => url,
      calls,
      clients: 8,
      batchSize: 20,
      pauseMs: 100,
      timeoutMs: 10_000,
    });
    try {
      await waitWhileRunning(async () => clients.acknowledged >= TOTAL / 4, 60_000, 'first 200s', first);
      // Killed while requests are in flight: those get no answer, and nothing more is answered until
      // the restart; the clients keep sending meanwhile.
      expect(await stopService(first, 'SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });
      const atKill = clients.acknowledged;
      expect(atKill).toBeLessThan(TOTAL);

      await startCollector(port);
      await clients.done;
    } finally {
      await clients.stop();
    }

    // Every call acknowledged in the end, each after attempts that got 200, 503 or no answer only.
    const acknowledged = clients.acknowledgedIds();
    expect(clients.refusals).toEqual([]);
    expect(new Set(acknowledged).size).toBe(TOTAL);
    const answers = Object.keys(clients.answerCounts());
    expect(answers.filter((a) => a !== '200' && a !== '503' && !a.startsWith('no answer'))).toEqual([]);
    expect(answers.some((a) => a.startsWith('no answer'))).toBe(true);
    const resent = clients.resent();
    expect(resent.length).toBeGreaterThan(0);

    // Kafka: an event acknowledged at its first attempt is there once; a resent one at least once and
    // at most once per attempt (the killed collector may have written it before answering).
    const inKafka = new Map<string, number>();
    for (const m of await readStoredEvents(kafka, topics.events)) {
      inKafka.set(m.event.message_id, (inKafka.get(m.event.message_id) ?? 0) + 1);
    }
    const attempts = new Map(clients.batches.flatMap((b) => b.ids.map((id) => [id, b.answers.length])));
    expect([...inKafka.keys()].filter((id) => !attempts.has(id))).toEqual([]);
    const wrong = acknowledged.filter((id) => {
      const n = inKafka.get(id) ?? 0;
      return n < 1 || n > (attempts.get(id) ?? 0);
    });
    expect(wrong).toEqual([]);

    // ClickHouse: each event exactly once.
    await waitForConsumer(kafka, `${prefix}-ingest`, topics.events, { timeoutMs: 90_000 });
    const stored = await storedMessageIds(clickhouse, database);
    expect(stored.length).toBe(TOTAL);
    expect(new Set(stored)).toEqual(new Set(acknowledged));
  }, 180_000);
});
