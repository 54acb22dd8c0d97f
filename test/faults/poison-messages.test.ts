import { type Ingest, start as startIngest } from '@pulse/ingest';
import { createIdempotentProducer, type DeadLetter, topicNames, waitForConsumer } from '@pulse/kafka';
import { type ModelingService, modelingConfigFromEnv, start as startModeling } from '@pulse/modeling';
import type { Message } from 'kafkajs';
import { afterEach, describe, expect, it } from 'vitest';
import { campaign, stored, triggerTestSetup } from '../integration/trigger-harness.js';
import { storedMessageIds, testDatabase } from '../support/chdb.js';
import { BROKERS } from '../support/ids.js';
import { ingestTestConfig } from '../support/ingest.js';
import { readTopic } from '../support/kafka.js';
import { metricValue } from '../support/metrics.js';
import { retailStoredEvents, storedEventMessages } from '../support/retail-events.js';

// Records no collector would write, produced straight to the events topic between real Online
// Retail events: ingest dead-letters each with its reason and stores every good event, the modeling
// service skips them, the trigger service counts them invalid, and all three keep consuming.

const GOOD = 3000;
const FRESH_ORDERS = 5;
const { harness, clickhouse } = triggerTestSetup();
const closers: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

const mixedGood = stored({ type: 'identify', userId: 'mixed-person', messageId: 'mixed-good', traits: {} });
/** About 1 MB (the broker's limit per record) of pasted HTML, quotes escaped, never closed. */
const huge = `{"type":"track","event":"Page Viewed","properties":{"html":"${'<p class=\\"lead\\">Lorem ipsum</p>'.repeat(29_000)}`;

/** Each poison record, and the reason ingest must give for it. */
const POISON: Array<{ name: string; value: Buffer | string | null; reason: string; line?: number }> = [
  { name: 'not-json', value: '{"type": "track", "event": ', reason: 'invalid_event' },
  {
    name: 'invalid-utf8',
    value: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]),
    reason: 'invalid_event',
  },
  { name: 'huge', value: huge, reason: 'invalid_event' },
  {
    name: 'wrong-envelope',
    value: JSON.stringify({ v: 2, message_id: 'poison-v2', type: 'track', event: 'Order Completed' }),
    reason: 'invalid_event',
  },
  { name: 'json-number', value: '42', reason: 'invalid_event' },
  { name: 'json-string', value: '"Order Completed"', reason: 'invalid_event' },
  { name: 'json-array', value: '[{"type":"track","event":"A","userId":"u"}]', reason: 'invalid_event' },
  { name: 'json-null', value: 'null', reason: 'invalid_event' },
  { name: 'empty', value: '', reason: 'empty_value' },
  { name: 'null', value: null, reason: 'empty_value' },
  // One person's record (as the collector writes them) with a good line and a bad one.
  {
    name: 'mixed',
    value: `${JSON.stringify(mixedGood)}\n{"v":1,"message_id":`,
    reason: 'invalid_event',
    line: 1,
  },
];

describe('poison messages written straight to the events topic', () => {
  it('are dead-lettered by ingest with their reason, skipped by modeling and the trigger, and stop none of them', async () => {
    const h = harness();
    const prefix = h.prefix;
    const topics = topicNames(prefix);
    const database = testDatabase();
    const receiver = await h.receiver();
    const trigger = await h.start([
      campaign({
        id: 'orders',
        trigger: { kind: 'event', event: 'Order Completed' },
        channel: { type: 'webhook', url: receiver.url },
      }),
    ]);
    const ingest: Ingest = await startIngest(
      ingestTestConfig(prefix, { database, chdbPath: 'unused: the client is shared', logLevel: 'fatal' }),
      { clickhouse: clickhouse(), opsServer: false },
    );
    closers.push(() => ingest.close());
    const modeling: ModelingService = await startModeling(
      modelingConfigFromEnv({
        KAFKA_BROKERS: BROKERS.join(','),
        KAFKA_TOPIC_PREFIX: prefix,
        MODELING_GROUP_ID: `${prefix}-modeling`,
        CLICKHOUSE_DATABASE: testDatabase(),
        MODELING_API_PORT: '0',
        MODELING_API_HOST: '127.0.0.1',
        MODELING_CHECKPOINT_INTERVAL_MS: '300',
        MODELING_SIMILARITY_INTERVAL_MS: '0',
        MODELING_TICK_INTERVAL_MS: '0',
        MODELING_LOG_LEVEL: 'fatal',
      }),
      { clickhouse: clickhouse(), opsServer: false },
    );
    closers.push(() => modeling.close());

    // Good events in chunks, a poison record after each chunk, then fresh orders the trigger acts on.
    const producer = createIdempotentProducer(h.kafka);
    await producer.connect();
    closers.push(() => producer.disconnect());
    const goods = await retailStoredEvents(GOOD);
    const messages = storedEventMessages(goods);
    const per = Math.ceil(GOOD / POISON.length);
    /** `partition:offset:line` of each poison record → the reason expected for it. */
    const expected = new Map<string, string>();
    for (const [i, poison] of POISON.entries()) {
      const end = Math.min(GOOD, (i + 1) * per);
      for (let at = i * per; at < end; at += 40) {
        await producer.send({
          topic: topics.events,
          acks: -1,
          messages: messages.slice(at, Math.min(at + 40, end)),
        });
      }
      const message: Message = { key: `poison-${poison.name}`, value: poison.value };
      const [meta] = await producer.send({ topic: topics.events, acks: -1, messages: [message] });
      expected.set(`${meta!.partition}:${meta!.baseOffset}:${poison.line ?? 0}`, poison.reason);
    }
    const fresh = Array.from({ length: FRESH_ORDERS }, (_, i) =>
      stored({
        type: 'track',
        event: 'Order Completed',
        userId: `fresh-buyer-${i}`,
        messageId: `fresh-order-${i}`,
        timestamp: new Date().toISOString(),
        properties: { order_id: `fresh-${i}` },
      }),
    );
    await h.produce(fresh);

    // All three consumed everything.
    for (const group of [`${prefix}-ingest`, `${prefix}-modeling`, `${prefix}-trigger`]) {
      await waitForConsumer(h.kafka, group, topics.events, { timeoutMs: 120_000 });
    }
    const goodIds = [...goods, mixedGood, ...fresh].map((e) => e.message_id);
    const poisonLines = POISON.length;

    // Ingest: every good event stored once, every poison record in the dead-letter topic with its reason.
    const storedIds = await storedMessageIds(clickhouse(), database);
    expect(storedIds.length).toBe(goodIds.length);
    expect(new Set(storedIds)).toEqual(new Set(goodIds));
    const deadLetters = (await readTopic(h.kafka, topics.deadLetters)).map(
      (m) => JSON.parse(m.value!) as DeadLetter,
    );
    expect(
      new Map(
        deadLetters.map((d) => [`${d.source.partition}:${d.source.offset}:${d.source.line}`, d.reason_code]),
      ),
    ).toEqual(expected);
    for (const d of deadLetters) {
      expect(d).toMatchObject({ service: 'ingest', source: { topic: topics.events } });
      expect(d.source.key).toMatch(/^poison-/);
      expect(d.reason.length).toBeGreaterThan(0);
      expect(d.problems.length).toBeGreaterThan(0);
    }
    const invalidUtf8 = deadLetters.find((d) => d.source.key === 'poison-invalid-utf8');
    expect(invalidUtf8).toMatchObject({
      value: null,
      value_base64: Buffer.from(POISON[1]!.value!).toString('base64'),
    });
    // The huge one grows past the broker's limit once escaped in JSON: it is carried truncated.
    const hugeLetter = deadLetters.find((d) => d.source.key === 'poison-huge')!;
    expect(hugeLetter).toMatchObject({ value_truncated: true, value_bytes: Buffer.byteLength(huge) });
    expect(hugeLetter.value!.length).toBeGreaterThan(500_000);
    expect(huge.startsWith(hugeLetter.value!)).toBe(true);
    expect(await metricValue(ingest.registry, 'pulse_dead_letters_total')).toBe(poisonLines);

    // Modeling: each poison record skipped, each good event applied once.
    expect(await metricValue(modeling.registry, 'pulse_model_skipped_events_total')).toBe(poisonLines);
    expect(modeling.worker.consumer.stats.events).toBe(goodIds.length);

    // Trigger: each poison record counted invalid, every good event read, the fresh orders acted on.
    expect(await metricValue(trigger.registry, 'pulse_trigger_events_total', { outcome: 'invalid' })).toBe(
      poisonLines,
    );
    expect(await metricValue(trigger.registry, 'pulse_trigger_events_total')).toBe(
      goodIds.length + poisonLines,
    );
    await expect.poll(() => receiver.received.length, { timeout: 30_000 }).toBe(FRESH_ORDERS);
    expect(receiver.received.map((r) => r.payload['person']).sort()).toEqual(
      fresh.map((e) => e.user_key).sort(),
    );
  }, 180_000);
});
