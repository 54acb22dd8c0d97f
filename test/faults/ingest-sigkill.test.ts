import { rmSync } from 'node:fs';
import { createClickHouse } from '@pulse/clickhouse';
import { ensureTopics, topicCatalogue, topicNames } from '@pulse/kafka';
import { afterEach, describe, expect, it } from 'vitest';
import { queryOne } from '../support/chdb.js';
import { type ChildService, spawnService, stopService } from '../support/child.js';
import { BROKERS, tempDir, uniqueName } from '../support/ids.js';
import { deleteTopics, testKafka } from '../support/kafka.js';
import { committedRecords, EventStream, waitWhileRunning } from '../support/stream.js';

const TOTAL = 60_000;
const CHUNK = 2000;
const DATABASE = 'pulse_fault';

const kafka = testKafka();
const children: ChildService[] = [];
let prefix = '';

afterEach(async () => {
  for (const child of children.splice(0)) await stopService(child, 'SIGKILL');
  if (prefix) await deleteTopics(kafka, prefix);
});

describe('ingest killed with SIGKILL', () => {
  it('loses no event and stores none twice (after FINAL) when restarted on the same data and group', async () => {
    prefix = uniqueName('fault-ingest');
    const groupId = `${prefix}-ingest`;
    const { events: topic, deadLetters } = topicNames(prefix);
    const env = {
      KAFKA_BROKERS: BROKERS.join(','),
      KAFKA_TOPIC_PREFIX: prefix,
      INGEST_GROUP_ID: groupId,
      CHDB_PATH: tempDir('pulse-fault-chdb'),
      CLICKHOUSE_DATABASE: DATABASE,
      INGEST_METRICS_PORT: '0',
      INGEST_LOG_LEVEL: 'warn',
      INGEST_BATCH_ROWS: '5000',
    };
    await ensureTopics(kafka, topicCatalogue(prefix));
    const stream = await EventStream.open(kafka, topic, CHUNK, 100);
    const produceUntil = (to: number) => stream.until(to);
    const committed = () => committedRecords(kafka, groupId, topic);
    const waitFor = waitWhileRunning;

    try {
      // First run: killed while the stream flows, once some but not all of it was committed.
      const first = spawnService('services/ingest/src/main.ts', env);
      children.push(first);
      const firstHalf = produceUntil(40_000);
      await waitFor(async () => (await committed()) > 0, 60_000, 'committed offsets', first);
      const beforeKill = await committed();
      expect(beforeKill).toBeGreaterThan(0);
      expect(beforeKill).toBeLessThan(TOTAL);
      expect(await stopService(first, 'SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });
      const atKill = await committed();
      expect(atKill).toBeGreaterThan(0);
      expect(atKill).toBeLessThan(TOTAL);
      await firstHalf;

      // Second run on the same chdb directory and group; the stream goes on to the end. The
      // group waits for the killed member's session (30 s) before it assigns its partitions.
      const second = spawnService('services/ingest/src/main.ts', env);
      children.push(second);
      await produceUntil(TOTAL);
      await waitFor(async () => (await committed()) === TOTAL, 150_000, `${TOTAL} committed`, second);
      expect(await stopService(second, 'SIGTERM')).toEqual({ code: 0, signal: null });
    } finally {
      await stream.close();
    }

    // The test process opens the data directory the children wrote (they have exited).
    const clickhouse = createClickHouse({ database: DATABASE, chdbPath: env.CHDB_PATH });
    try {
      const stored = await queryOne<Record<string, number | string>>(
        clickhouse,
        `SELECT count() AS final, uniqExact(message_id) AS unique,
                countIf(NOT match(message_id, '^m-[0-9]{6}$')
                        OR toUInt32OrZero(substring(message_id, 3)) NOT BETWEEN 1 AND ${TOTAL}) AS unexpected
         FROM ${DATABASE}.events FINAL`,
      );
      // 60,000 distinct ids, all of them from m-000001 … m-060000: every produced event is there once.
      expect(Object.fromEntries(Object.entries(stored).map(([k, v]) => [k, Number(v)]))).toEqual({
        final: TOTAL,
        unique: TOTAL,
        unexpected: 0,
      });
      // Without FINAL, rows inserted by the killed run and inserted again after the restart
      // (consumed but not committed) may still be there until a merge folds them.
      const raw = await queryOne<{ n: number | string }>(
        clickhouse,
        `SELECT count() AS n FROM ${DATABASE}.events`,
      );
      expect(Number(raw.n)).toBeGreaterThanOrEqual(TOTAL);
    } finally {
      await clickhouse.close();
      rmSync(env.CHDB_PATH, { recursive: true, force: true });
    }
    const admin = kafka.admin();
    await admin.connect();
    const dlq = await admin.fetchTopicOffsets(deadLetters).finally(() => admin.disconnect());
    expect(dlq.reduce((sum, p) => sum + Number(p.high), 0)).toBe(0);
  }, 240_000);
});
