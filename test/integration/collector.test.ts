import { gzipSync } from 'node:zlib';
import type { Collector } from '@pulse/collector';
import { topicNames } from '@pulse/kafka';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCollector } from '../support/collector.js';
import { getCollector, postCollector } from '../support/http.js';
import { uniqueName } from '../support/ids.js';
import { deleteTopics, type ReadEvent, readStoredEvents, testKafka } from '../support/kafka.js';

// The collector against the shared broker, through a real socket: what it
// answers 200 to is in Kafka, keyed by user, one user's events in order.

const prefix = uniqueName('it-collector');
const topic = topicNames(prefix).events;
const kafka = testKafka();
let collector: Collector;

beforeAll(async () => {
  collector = await startTestCollector(prefix);
});

afterAll(async () => {
  await collector?.close();
  await deleteTopics(kafka, prefix);
});

function track(messageId: string, userId: string, n = 0) {
  return { type: 'track', event: 'Product Viewed', userId, messageId, properties: { n } };
}

/** The stored events of the topic whose message id starts with `idPrefix`, with where they are. */
async function storedWithPrefix(idPrefix: string): Promise<ReadEvent[]> {
  return (await readStoredEvents(kafka, topic)).filter((m) => m.event.message_id.startsWith(idPrefix));
}

describe('collector with Kafka', () => {
  it('stores a batch of 200 events, keyed by user, each user in one partition and in order', async () => {
    const users = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace'];
    const batch = Array.from({ length: 200 }, (_, i) => track(`big-${i}`, users[i % users.length]!, i));
    const res = await postCollector(collector.url, '/v1/batch', { batch });
    expect(res).toMatchObject({ status: 200, body: { success: true } });

    const stored = await storedWithPrefix('big-');
    expect(stored.map((m) => m.event.message_id).sort()).toEqual(batch.map((e) => e.messageId).sort());
    for (const m of stored) {
      expect(m.key).toBe(m.event.user_id);
      expect(m.event.source_id).toBe('test-source');
    }
    const partitions = new Set<number>();
    for (const user of users) {
      const own = stored.filter((m) => m.key === user);
      expect(new Set(own.map((m) => m.partition)).size).toBe(1);
      partitions.add(own[0]!.partition);
      const byOffset = own.sort((a, b) => Number(a.offset) - Number(b.offset));
      const sent = batch.filter((e) => e.userId === user).map((e) => e.messageId);
      expect(byOffset.map((m) => m.event.message_id)).toEqual(sent);
    }
    expect(partitions.size).toBeGreaterThan(1); // keys do spread over the partitions
  });

  it('keeps the good events of a partial batch and answers 400 naming the bad ones', async () => {
    const batch = [
      track('partial-good-1', 'u1'),
      { type: 'track', userId: 'u1', messageId: 'partial-bad-1' },
      track('partial-good-2', 'u2'),
      { type: 'track', event: 'No user', messageId: 'partial-bad-2' },
    ];
    const res = await postCollector(collector.url, '/v1/batch', { batch });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      success: false,
      error: 'invalid_events',
      accepted: 2,
      rejected: [
        { index: 1, field: 'event', code: 'required' },
        { index: 3, field: '', code: 'required' },
      ],
    });
    const stored = await storedWithPrefix('partial-');
    expect(stored.map((m) => m.event.message_id).sort()).toEqual(['partial-good-1', 'partial-good-2']);
  });

  it('stores a gzip body sent the way analytics.js sends it (text/plain, key in the body)', async () => {
    const body = gzipSync(
      JSON.stringify({ writeKey: 'test-write-key', batch: [track('gzip-1', 'gzip-user')] }),
    );
    const res = await postCollector(collector.url, '/v1/b', body, {
      headers: { authorization: '', 'content-type': 'text/plain', 'content-encoding': 'gzip' },
    });
    expect(res).toMatchObject({ status: 200, body: { success: true } });
    const stored = await storedWithPrefix('gzip-');
    expect(stored.map((m) => [m.key, m.event.message_id])).toEqual([['gzip-user', 'gzip-1']]);
  });

  it('answers 413 to an oversize body and stays usable', async () => {
    const padding = 'x'.repeat(600_000);
    const res = await postCollector(collector.url, '/v1/batch', {
      batch: [{ ...track('huge', 'u'), padding }],
    });
    expect(res.status).toBe(413);
    const after = await postCollector(collector.url, '/v1/track', track('after-413', 'u'));
    expect(after.status).toBe(200);
  });

  it('is ready and counts events in /metrics', async () => {
    expect(await getCollector(collector.url, '/readyz')).toMatchObject({
      status: 200,
      body: { status: 'ready' },
    });
    const before = await acceptedCount();
    expect(
      (await postCollector(collector.url, '/v1/batch', { batch: [track('m-1', 'u'), track('m-2', 'u')] }))
        .status,
    ).toBe(200);
    expect(await acceptedCount()).toBe(before + 2);
  });
});

async function acceptedCount(): Promise<number> {
  const metrics = await getCollector(collector.url, '/metrics');
  expect(metrics.status).toBe(200);
  const line = /^pulse_collector_events_total\{outcome="accepted",reason="".*\} (\d+)$/m.exec(
    String(metrics.body),
  );
  return Number(line?.[1] ?? 0);
}
