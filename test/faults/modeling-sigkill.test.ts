import { createClickHouse } from '@pulse/clickhouse';
import { ensureTopics, topicCatalogue, topicNames } from '@pulse/kafka';
import { CheckpointStore } from '@pulse/modeling';
import { afterEach, describe, expect, it } from 'vitest';
import { type ChildService, spawnService, stopService } from '../support/child.js';
import { BROKERS, tempDir, uniqueName } from '../support/ids.js';
import { deleteTopics, testKafka } from '../support/kafka.js';
import { committedRecords, EventStream, waitWhileRunning } from '../support/stream.js';

const TOTAL = 30_000;
const CHUNK = 1000;
const DATABASE = 'pulse_fault';

const kafka = testKafka();
const children: ChildService[] = [];
let prefix = '';

afterEach(async () => {
  for (const child of children.splice(0)) await stopService(child, 'SIGKILL');
  if (prefix) await deleteTopics(kafka, prefix);
});

describe('modeling worker killed with SIGKILL', () => {
  it('counts every event exactly once after restarting from its checkpoint', async () => {
    prefix = uniqueName('fault-modeling');
    const groupId = `${prefix}-modeling`;
    const topic = topicNames(prefix).events;
    const env = {
      KAFKA_BROKERS: BROKERS.join(','),
      KAFKA_TOPIC_PREFIX: prefix,
      MODELING_GROUP_ID: groupId,
      CHDB_PATH: tempDir('pulse-fault-modeling'),
      CLICKHOUSE_DATABASE: DATABASE,
      MODELING_METRICS_PORT: '0',
      MODELING_LOG_LEVEL: 'warn',
      MODELING_CHECKPOINT_INTERVAL_MS: '300',
    };
    await ensureTopics(kafka, topicCatalogue(prefix));
    const stream = await EventStream.open(kafka, topic, CHUNK, 50);
    const produceUntil = (to: number) => stream.until(to);
    const committed = () => committedRecords(kafka, groupId, topic);
    const waitFor = waitWhileRunning;

    try {
      const first = spawnService('test/support/modeling-counter-worker.ts', env);
      children.push(first);
      const firstPart = produceUntil(20_000);
      await waitFor(async () => (await committed()) > 0, 60_000, 'a checkpoint', first);
      // Killed while events flow: some are applied after the last checkpoint and must not count twice.
      expect(await stopService(first, 'SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });
      const atKill = await committed();
      expect(atKill).toBeGreaterThan(0);
      expect(atKill).toBeLessThan(TOTAL);
      await firstPart;

      const second = spawnService('test/support/modeling-counter-worker.ts', env);
      children.push(second);
      await produceUntil(TOTAL);
      await waitFor(async () => (await committed()) === TOTAL, 150_000, `${TOTAL} committed`, second);
      expect(await stopService(second, 'SIGTERM')).toEqual({ code: 0, signal: null });
    } finally {
      await stream.close();
    }

    const clickhouse = createClickHouse({ database: DATABASE, chdbPath: env.CHDB_PATH });
    try {
      const checkpoint = await new CheckpointStore(
        clickhouse,
        `${DATABASE}.model_checkpoints`,
        groupId,
      ).latest();
      expect(checkpoint).toBeDefined();
      const counts = (checkpoint!.state['message-counter'] as { counts: Record<string, number> }).counts;
      const ids = Object.keys(counts);
      expect(ids.length).toBe(TOTAL);
      expect(ids.filter((id) => counts[id] !== 1)).toEqual([]);
      expect(checkpoint!.events).toBe(TOTAL);
      const offsets = Object.values(checkpoint!.offsets[topic] ?? {}).reduce((sum, o) => sum + Number(o), 0);
      expect(offsets).toBe(TOTAL);
    } finally {
      await clickhouse.close();
    }
  });
});
