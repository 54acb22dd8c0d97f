import { createClickHouse } from '@pulse/clickhouse';
import { decodeSegmentChange, type StoredEvent } from '@pulse/events';
import { ensureTopics, topicCatalogue, topicNames } from '@pulse/kafka';
import {
  CheckpointStore,
  EXAMPLE_SEGMENT_RULES,
  RecsIncrementalModel,
  SegmentsModel,
  type SequencedChange,
} from '@pulse/modeling';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { queryOne } from '../support/chdb.js';
import { type ChildService, spawnService, stopService } from '../support/child.js';
import { BROKERS, tempDir, uniqueName } from '../support/ids.js';
import { deleteTopics, readCommitted, testKafka } from '../support/kafka.js';
import { retailStoredEvents, storedEventMessages } from '../support/retail-events.js';
import { committedRecords, EventStream, waitWhileRunning } from '../support/stream.js';

// The modeling service (recommendations and segments) as a process, killed with SIGKILL while real
// Online Retail events flow, then restarted. The events topic has one partition, so the order the
// worker sees is the order produced, and an in-process reference fed the same events in that order
// must end in exactly the state and the segment changes the killed-and-restarted service reached.

const TOTAL = 12_000;
// Small sends: Online Retail events are up to 32 KB each, and a record batch must stay under 1 MB.
const CHUNK = 40;
const DATABASE = 'pulse_fault_modeling';

const kafka = testKafka();
const children: ChildService[] = [];
let prefix = '';
let events: StoredEvent[];

beforeAll(async () => {
  events = await retailStoredEvents(TOTAL);
}, 120_000);

afterEach(async () => {
  for (const child of children.splice(0)) await stopService(child, 'SIGKILL');
  if (prefix) await deleteTopics(kafka, prefix);
});

describe('modeling service killed with SIGKILL', () => {
  it('neither loses nor repeats an event or a segment change after restarting', async () => {
    prefix = uniqueName('fault-modsvc');
    const groupId = `${prefix}-modeling`;
    const topics = topicNames(prefix);
    const env = {
      KAFKA_BROKERS: BROKERS.join(','),
      KAFKA_TOPIC_PREFIX: prefix,
      MODELING_GROUP_ID: groupId,
      CHDB_PATH: tempDir('pulse-fault-modsvc'),
      CLICKHOUSE_DATABASE: DATABASE,
      MODELING_METRICS_PORT: '0',
      MODELING_API_PORT: '0',
      MODELING_LOG_LEVEL: 'warn',
      MODELING_CHECKPOINT_INTERVAL_MS: '300',
      MODELING_TICK_INTERVAL_MS: '0',
      MODELING_SIMILARITY_INTERVAL_MS: '0',
    };
    await ensureTopics(kafka, topicCatalogue(prefix, { events: 1, deadLetters: 1, segmentChanges: 3 }));
    const messages = storedEventMessages(events);
    const stream = await EventStream.open(kafka, topics.events, CHUNK, 10, (from, to) =>
      messages.slice(from - 1, to),
    );
    const committed = () => committedRecords(kafka, groupId, topics.events);
    const publishedAny = async () => (await readCommitted(kafka, topics.segmentChanges, 500)).length > 0;

    try {
      const first = spawnService('services/modeling/src/main.ts', env);
      children.push(first);
      const firstPart = stream.until(8000);
      await waitWhileRunning(async () => (await committed()) > 2000, 120_000, 'checkpoints', first);
      await waitWhileRunning(publishedAny, 60_000, 'published segment changes', first);
      // Killed while events flow: some are applied after the last checkpoint, and changes decided
      // after it are not yet published; none may count twice or go missing.
      expect(await stopService(first, 'SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });
      const atKill = await committed();
      expect(atKill).toBeLessThan(TOTAL);
      await firstPart;

      const second = spawnService('services/modeling/src/main.ts', env);
      children.push(second);
      await stream.until(TOTAL);
      await waitWhileRunning(
        async () => (await committed()) === TOTAL,
        180_000,
        `${TOTAL} committed`,
        second,
      );
      expect(await stopService(second, 'SIGTERM', 60_000)).toEqual({ code: 0, signal: null });
    } finally {
      await stream.close();
    }

    // The reference: the same events, in the same order, through the same models, never killed.
    const recs = new RecsIncrementalModel('hybrid');
    const segments = new SegmentsModel({ rules: EXAMPLE_SEGMENT_RULES });
    for (const e of events) {
      recs.apply(e);
      segments.apply(e);
    }
    const expected: SequencedChange[] = segments.takeChanges();
    expect(expected.length).toBeGreaterThan(1000);

    const published = (await readCommitted(kafka, topics.segmentChanges)).map((m) => {
      const decoded = decodeSegmentChange(m.value);
      if (!decoded.ok) throw new Error(JSON.stringify(decoded.problems));
      return decoded.value;
    });
    published.sort((a, b) => a.seq - b.seq);
    expect(published.length).toBe(expected.length);
    expect(
      published.map((c) => [c.seq, c.userKey, c.segment, c.change, Date.parse(c.at), c.version]),
    ).toEqual(expected.map((c) => [c.seq, c.userKey, c.segment, c.change, c.atMs, c.version]));

    const clickhouse = createClickHouse({ database: DATABASE, chdbPath: env.CHDB_PATH });
    try {
      const stored = await queryOne<{ n: string; distinct: string }>(
        clickhouse,
        `SELECT count() AS n, uniqExact(seq) AS distinct FROM ${DATABASE}.segment_changes FINAL`,
      );
      expect(Number(stored.n)).toBe(expected.length);
      expect(Number(stored.distinct)).toBe(expected.length);
      const checkpoint = await new CheckpointStore(
        clickhouse,
        `${DATABASE}.model_checkpoints`,
        groupId,
      ).latest();
      expect(checkpoint?.events).toBe(TOTAL);
      // The recommendation state is the reference's, to the last bit.
      expect(JSON.stringify(checkpoint!.state['recs:hybrid'])).toBe(JSON.stringify(recs.snapshot()));
      expect((checkpoint!.state['segments'] as { seq: number; pending: unknown[] }).seq).toBe(
        expected.length,
      );
      // The last checkpoint may still list changes its own publishing step sent afterwards; a
      // restart recognises them by seq (the progress record), so they are all among the published.
      const pending = (checkpoint!.state['segments'] as { pending: Array<{ seq: number }> }).pending;
      const publishedSeqs = new Set(published.map((c) => c.seq));
      expect(pending.filter((c) => !publishedSeqs.has(c.seq))).toEqual([]);
    } finally {
      await clickhouse.close();
    }
  }, 420_000);
});
