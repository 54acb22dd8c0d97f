import { rmSync } from 'node:fs';
import { type ClickHouseClient, createClickHouse, queryRows } from '@pulse/clickhouse';
import { createLogger } from '@pulse/common';
import {
  encodeSegmentChange,
  encodeStoredEvent,
  groupIntoRecords,
  type SegmentChangeRecord,
  type StoredEvent,
  toStoredEvent,
  validateEvent,
} from '@pulse/events';
import {
  consumerLag,
  createIdempotentProducer,
  ensureTopics,
  topicCatalogue,
  topicNames,
} from '@pulse/kafka';
import {
  type Campaign,
  deleteRedisPrefix,
  parseCampaign,
  start,
  startWebhookReceiver,
  type Trigger,
  type TriggerConfig,
  type TriggerDeps,
  type WebhookReceiver,
} from '@pulse/trigger';
import { Partitioners, type Producer } from 'kafkajs';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { testDatabase } from '../support/chdb.js';
import { tempDir, uniqueName } from '../support/ids.js';
import { deleteTopics, testKafka } from '../support/kafka.js';

export const SECRET = 'test-webhook-secret-0123456789';

import { REDIS_URL, triggerTestConfig } from '../support/trigger-config.js';

export { REDIS_URL };

/** A stored event as the collector would write it, received now unless told otherwise. */
export function stored(input: Record<string, unknown>, receivedAt = new Date()): StoredEvent {
  const validated = validateEvent(input, { receivedAt });
  if (!validated.ok) throw new Error(`test event is invalid: ${JSON.stringify(validated.problems)}`);
  return toStoredEvent(validated.value, { receivedAt, sourceId: 'trigger-test' });
}

export function campaign(input: Record<string, unknown>): Campaign {
  return parseCampaign(
    { channel: { type: 'log' }, variants: [{ name: 'a', template: {} }], ...input },
    'test',
  );
}

/**
 * A test's own topics, Redis key prefix (BullMQ prefix), consumer group and
 * ClickHouse database; `cleanup()` removes them all.
 */
export class TriggerHarness {
  readonly prefix = uniqueName('trig');
  readonly database = testDatabase();
  readonly kafka = testKafka();
  readonly topic = topicNames(this.prefix).events;
  readonly segmentTopic = topicNames(this.prefix).segmentChanges;
  private producer: Producer | undefined;
  private transactional: Producer | undefined;
  private readonly started: Trigger[] = [];
  private readonly receivers: WebhookReceiver[] = [];

  /** Without a client (a child process owns the chdb directory) the test reads ClickHouse itself. */
  constructor(private readonly client?: ClickHouseClient) {}

  get clickhouse(): ClickHouseClient {
    if (!this.client) throw new Error('this harness has no ClickHouse client');
    return this.client;
  }

  config(overrides: Partial<TriggerConfig> = {}): TriggerConfig {
    return triggerTestConfig(this.prefix, this.database, {
      campaignsDir: 'unused',
      // The receivers listen on 127.0.0.1.
      webhook: { secret: SECRET, timeoutMs: 2000, attempts: 3, backoffMs: 50, allowPrivate: true },
      concurrency: 8,
      ...overrides,
    });
  }

  async start(
    campaigns: Campaign[],
    overrides: Partial<TriggerConfig> = {},
    deps: TriggerDeps = {},
  ): Promise<Trigger> {
    await ensureTopics(this.kafka, topicCatalogue(this.prefix));
    const trigger = await start(this.config(overrides), {
      clickhouse: this.clickhouse,
      campaigns,
      opsServer: false,
      apiServer: false,
      logger: createLogger({ service: 'trigger-test', level: 'warn' }),
      ...deps,
    });
    this.started.push(trigger);
    return trigger;
  }

  async receiver(respond?: Parameters<typeof startWebhookReceiver>[0]['respond']): Promise<WebhookReceiver> {
    const r = await startWebhookReceiver({ secret: SECRET, ...(respond ? { respond } : {}) });
    this.receivers.push(r);
    return r;
  }

  /** Produces events as the collector does: one record per person, one JSON line per event. */
  async produce(events: StoredEvent[]): Promise<void> {
    await ensureTopics(this.kafka, topicCatalogue(this.prefix));
    if (!this.producer) {
      this.producer = createIdempotentProducer(this.kafka);
      await this.producer.connect();
    }
    const lines = events.map((e) => {
      const line = encodeStoredEvent(e);
      return { key: e.user_key, line, bytes: Buffer.byteLength(line) };
    });
    const records = groupIntoRecords(lines);
    await this.producer.send({
      topic: this.topic,
      acks: -1,
      messages: records.map((r) => ({ key: r.key, value: r.value })),
    });
  }

  /**
   * Produces segment changes as the modeling worker does: one message per
   * change keyed by userKey, inside a transaction, committed unless `abort`.
   * Raw strings go as they are (an invalid message); `publishedAt` sets the
   * records' Kafka timestamp.
   */
  async produceChanges(
    changes: Array<SegmentChangeRecord | string>,
    options: { abort?: boolean; publishedAt?: number } = {},
  ): Promise<void> {
    await ensureTopics(this.kafka, topicCatalogue(this.prefix));
    if (!this.transactional) {
      this.transactional = this.kafka.producer({
        transactionalId: `${this.prefix}-segment-changes`,
        idempotent: true,
        maxInFlightRequests: 1,
        createPartitioner: Partitioners.DefaultPartitioner,
        allowAutoTopicCreation: false,
      });
      await this.transactional.connect();
    }
    const transaction = await this.transactional.transaction();
    await transaction.send({
      topic: this.segmentTopic,
      messages: changes.map((c) => ({
        ...(typeof c === 'string'
          ? { key: 'bad', value: c }
          : { key: c.userKey, value: encodeSegmentChange(c) }),
        ...(options.publishedAt ? { timestamp: String(options.publishedAt) } : {}),
      })),
    });
    if (options.abort) await transaction.abort();
    else await transaction.commit();
  }

  async cleanup(): Promise<void> {
    for (const t of this.started.splice(0)) await t.close().catch(() => undefined);
    for (const r of this.receivers.splice(0)) await r.close().catch(() => undefined);
    await this.producer?.disconnect().catch(() => undefined);
    await this.transactional?.disconnect().catch(() => undefined);
    await deleteTopics(this.kafka, this.prefix).catch(() => undefined);
    await this.client?.command({ query: `DROP DATABASE IF EXISTS ${this.database}` }).catch(() => undefined);
    await deleteRedisPrefix(REDIS_URL, this.prefix);
  }
}

/** Polls until `check` returns a value that is not undefined, or fails with `what`. */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Registers the file's hooks: one chdb data directory for the file (one
 * engine per process), a harness per test, everything removed after each
 * test. Returns the factory of harnesses and the shared client.
 */
export function triggerTestSetup(): { harness(): TriggerHarness; clickhouse(): ClickHouseClient } {
  const chdbPath = tempDir('pulse-trigger-chdb');
  let client: ClickHouseClient | undefined;
  const harnesses: TriggerHarness[] = [];
  beforeAll(() => {
    client = createClickHouse({ database: 'default', chdbPath });
  });
  afterAll(async () => {
    await client?.close();
    rmSync(chdbPath, { recursive: true, force: true });
  });
  afterEach(async () => {
    for (const h of harnesses.splice(0)) await h.cleanup();
  });
  const clickhouse = () => {
    if (!client) throw new Error('clickhouse is created in beforeAll');
    return client;
  };
  return {
    clickhouse,
    harness() {
      const h = new TriggerHarness(clickhouse());
      harnesses.push(h);
      return h;
    },
  };
}

export interface DecisionRow {
  campaign_id: string;
  person: string;
  occasion: string;
  outcome: string;
  reason: string;
  variant: string;
}

export async function decisionRows(h: TriggerHarness, trigger: Trigger): Promise<DecisionRow[]> {
  await trigger.decisions.flush();
  return queryRows<DecisionRow>(
    h.clickhouse,
    `SELECT campaign_id, person, occasion, outcome, reason, variant FROM ${h.database}.trigger_decisions FINAL ORDER BY campaign_id, person, occasion`,
  );
}

/** Waits until the group committed every record and no occasion or delivery job is waiting or running. */
export async function settled(h: TriggerHarness, trigger: Trigger): Promise<void> {
  await eventually('the trigger to catch up', async () => {
    const lag = await consumerLag(h.kafka, `${h.prefix}-trigger`, h.topic);
    if (lag.some((p) => p.lag > 0)) return undefined;
    for (const q of [trigger.occasionQueue, ...trigger.deliveryQueues.values()]) {
      const c = await q.getJobCounts('waiting', 'active', 'prioritized');
      if ((c['waiting'] ?? 0) + (c['active'] ?? 0) + (c['prioritized'] ?? 0) > 0) return undefined;
    }
    return true;
  });
}

/** Everything the trigger decided, once `count` decisions are stored. */
export async function decisionsOnce(
  h: TriggerHarness,
  trigger: Trigger,
  count: number,
): Promise<DecisionRow[]> {
  return eventually(`${count} decisions in ClickHouse`, async () => {
    const rows = await decisionRows(h, trigger);
    return rows.length >= count ? rows : undefined;
  });
}
