import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { type ClickHouseClient, createClickHouse, queryRows } from '@pulse/clickhouse';
import { type Collector, start as startCollector } from '@pulse/collector';
import { createLogger } from '@pulse/common';
import { encodeStoredEvent, toStoredEvent, validateEvent } from '@pulse/events';
import { type Ingest, start as startIngest } from '@pulse/ingest';
import { createIdempotentProducer, topicNames, waitForConsumer } from '@pulse/kafka';
import { type ModelingService, modelingConfigFromEnv, start as startModeling } from '@pulse/modeling';
import {
  deleteRedisPrefix,
  dumpRedisPrefix,
  parseCampaign,
  start as startTrigger,
  type Trigger,
  type TriggerConfig,
} from '@pulse/trigger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryOne, testDatabase } from '../support/chdb.js';
import { basicAuth, collectorTestConfig } from '../support/collector.js';
import { BROKERS, tempDir, uniqueName } from '../support/ids.js';
import { ingestTestConfig } from '../support/ingest.js';
import { deleteTopics, readTopic, testKafka } from '../support/kafka.js';
import { REDIS_URL, triggerTestConfig } from '../support/trigger-config.js';
import { waitUntil } from '../support/wait.js';

// The four services in this process on real Kafka, Redis and chdb. A person (with the anonymous
// id they browsed under before signing in) and two others send events through the collector; the
// person gets stored events, order lines, model state, a rule segment, trigger decisions, a pending
// abandoned-cart job. POST /v1/regulations (Suppress_With_Delete) must then leave nothing of them in
// any ClickHouse table, any Redis key or value, the modeling API or the checkpoints, refuse their
// new events, ignore their old ones still in Kafka, record the audit rows, and touch nobody else.

const prefix = uniqueName('privacy');
const topics = topicNames(prefix);
const ADMIN_KEY = 'privacy-test-admin-key-0123456789';
const kafka = testKafka();
const chdbPath = tempDir('pulse-privacy-chdb');
const database = testDatabase();
const logger = createLogger({ service: 'privacy-test', level: 'warn' });

const suffix = randomUUID().slice(0, 8);
const ADA = `ada-${suffix}`;
const ADA_ANON = `anon-ada-${suffix}`;
const BOB = `bob-${suffix}`;
const BOB_ANON = `anon-bob-${suffix}`;
const CY = `cy-${suffix}`;
const CY_ANON = `anon-cy-${suffix}`;
const BIG_SPENDERS = 'rule:big-spenders-90d';

let clickhouse: ClickHouseClient;
let collector: Collector;
let ingest: Ingest;
let modeling: ModelingService;
let trigger: Trigger;

const campaigns = [
  {
    id: 'thanks',
    trigger: { kind: 'event', event: 'Order Completed' },
    channel: { type: 'log' },
    variants: [{ name: 'a', template: { text: 'Thanks {{person}}' } }],
  },
  {
    id: 'cart',
    trigger: { kind: 'abandoned_cart', waitSeconds: 3600 },
    channel: { type: 'log' },
    variants: [{ name: 'a', template: { text: 'Your cart' } }],
  },
  {
    id: 'vip',
    trigger: { kind: 'segment_entry', segment: BIG_SPENDERS },
    channel: { type: 'log' },
    variants: [{ name: 'a', template: { text: 'Welcome, big spender' } }],
  },
].map((c) => parseCampaign(c, 'privacy test'));

function triggerConfig(): TriggerConfig {
  return triggerTestConfig(prefix, database);
}

/** A shopper's visit: a view while anonymous, sign-in, an add to cart, an order of `total`. */
function visit(userId: string, anonymousId: string, total: number, context: Record<string, unknown> = {}) {
  const id = () => randomUUID();
  return [
    {
      type: 'track',
      messageId: id(),
      anonymousId,
      event: 'Product Viewed',
      properties: { product_id: 'lamp', name: 'Brass lamp' },
      context,
    },
    {
      type: 'identify',
      messageId: id(),
      userId,
      anonymousId,
      traits: { email: `${userId}@example.com` },
      context,
    },
    {
      type: 'track',
      messageId: id(),
      userId,
      anonymousId,
      event: 'Product Added',
      properties: { product_id: 'desk' },
      context,
    },
    {
      type: 'track',
      messageId: id(),
      userId,
      anonymousId,
      event: 'Order Completed',
      properties: {
        order_id: `order-${userId}`,
        total,
        revenue: total,
        products: [
          { product_id: 'lamp', name: 'Brass lamp', price: total / 2, quantity: 1 },
          { product_id: 'desk', name: 'Oak desk', price: total / 2, quantity: 1 },
        ],
      },
      context,
    },
  ];
}

const NO_CONSENT = { consent: { categoryPreferences: { Personalization: false, Marketing: false } } };
const EVENTS = [
  ...visit(ADA, ADA_ANON, 1500),
  ...visit(BOB, BOB_ANON, 1200),
  ...visit(CY, CY_ANON, 1300, NO_CONSENT),
];

async function post(path: string, body: unknown, authorization?: string) {
  const res = await fetch(`${collector.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function modelingGet(path: string) {
  const res = await fetch(`http://127.0.0.1:${modeling.apiPort}${path}`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function count(query: string, params: Record<string, unknown> = {}): Promise<number> {
  return Number((await queryOne<{ n: string }>(clickhouse, query, params)).n);
}

/** Per table of the database (audit and bookkeeping left out): rows whose text holds one of `needles`. */
async function tablesMentioning(needles: string[]): Promise<Record<string, number>> {
  const tables = await queryRows<{ name: string }>(
    clickhouse,
    `SELECT name FROM system.tables WHERE database = {db:String}
       AND engine != 'MaterializedView'
       AND name NOT IN ('regulations', 'regulation_status', 'schema_migrations')
     ORDER BY name`,
    { db: database },
  );
  const found: Record<string, number> = {};
  for (const { name } of tables) {
    const n = await count(
      `SELECT count() AS n FROM ${database}.${name}
       WHERE multiSearchAny(formatRowNoNewline('JSONEachRow', *), {needles:Array(String)})`,
      { needles },
    );
    if (n > 0) found[name] = n;
  }
  return found;
}

/** Redis keys under the test's prefix whose name or value holds one of `needles`. */
async function redisMentioning(needles: string[]): Promise<string[]> {
  const found: string[] = [];
  for (const { key, type, value } of await dumpRedisPrefix(REDIS_URL, prefix)) {
    if (needles.some((n) => key.includes(n))) found.push(key);
    else if (needles.some((n) => JSON.stringify(value).includes(n))) found.push(`${key} (${type} value)`);
  }
  return found;
}

async function metric(registry: { metrics(): Promise<string> }, pattern: RegExp): Promise<number> {
  const match = (await registry.metrics()).match(pattern);
  return match ? Number(match[1]) : 0;
}

async function pendingCartJobs(person: string): Promise<number> {
  return (await trigger.occasionQueue.getDelayed()).filter(
    (j) => j.data.person === person && j.data.campaignId === 'cart',
  ).length;
}

beforeAll(async () => {
  clickhouse = createClickHouse({ database: 'default', chdbPath });
  ingest = await startIngest(
    ingestTestConfig(prefix, {
      database,
      chdbPath: 'unused: the client is shared',
      batchRows: 100,
      flushIntervalMs: 200,
    }),
    { clickhouse, logger, opsServer: false },
  );
  modeling = await startModeling(
    modelingConfigFromEnv({
      KAFKA_BROKERS: BROKERS.join(','),
      KAFKA_TOPIC_PREFIX: prefix,
      MODELING_GROUP_ID: `${prefix}-modeling`,
      CLICKHOUSE_DATABASE: database,
      MODELING_METRICS_PORT: '0',
      MODELING_API_PORT: '0',
      MODELING_API_HOST: '127.0.0.1',
      MODELING_CHECKPOINT_INTERVAL_MS: '300',
      MODELING_SIMILARITY_INTERVAL_MS: '0',
      MODELING_TICK_INTERVAL_MS: '0',
      MODELING_LOG_LEVEL: 'warn',
    }),
    { clickhouse, logger, opsServer: false },
  );
  trigger = await startTrigger(triggerConfig(), {
    clickhouse,
    campaigns,
    apiServer: false,
    opsServer: false,
    logger,
  });
  collector = await startCollector(collectorTestConfig(prefix, { adminKey: ADMIN_KEY }), { logger });
}, 120_000);

afterAll(async () => {
  await collector?.close();
  await ingest?.close();
  await modeling?.close();
  await trigger?.close();
  await deleteRedisPrefix(REDIS_URL, prefix).catch(() => undefined);
  await clickhouse?.close();
  await deleteTopics(kafka, prefix).catch(() => undefined);
  rmSync(chdbPath, { recursive: true, force: true });
});

describe('a deletion request (POST /v1/regulations)', () => {
  it('leaves nothing of the person anywhere, refuses and ignores their events, and touches nobody else', async () => {
    const sent = await post('/v1/batch', { batch: EVENTS }, basicAuth());
    expect(sent.status).toBe(200);

    // Everything about everyone is in place first, so that each check below could fail.
    await waitUntil(
      async () => (await count(`SELECT count() AS n FROM ${database}.events FINAL`)) === EVENTS.length,
      60_000,
      'every event stored',
    );
    await waitUntil(
      () =>
        modeling.segments.segments.segmentsOf(ADA).includes(BIG_SPENDERS) &&
        modeling.segments.lastSeq > 0 &&
        modeling.publisher.publishedSeq === modeling.segments.lastSeq,
      60_000,
      'segment changes published',
    );
    await waitUntil(
      async () =>
        (await trigger.segments.isMember(ADA, BIG_SPENDERS)) &&
        (await trigger.segments.isMember(BOB, BIG_SPENDERS)),
      60_000,
      'membership kept by the trigger',
    );
    await waitUntil(
      async () =>
        (await count(
          `SELECT count() AS n FROM ${database}.trigger_decisions FINAL
           WHERE person = {p:String} AND outcome = 'sent' AND campaign_id IN ('thanks', 'vip')`,
          { p: ADA },
        )) === 2,
      60_000,
      "the person's decisions in ClickHouse",
    );
    await waitUntil(async () => (await pendingCartJobs(ADA)) === 1, 30_000, 'a pending cart job');
    await waitUntil(
      async () =>
        (
          await queryRows<{ state: string }>(
            clickhouse,
            `SELECT state FROM ${database}.model_checkpoints ORDER BY version DESC LIMIT 1`,
          )
        )[0]?.state.includes(ADA_ANON) === true,
      30_000,
      'a checkpoint holding the person',
    );
    const before = await tablesMentioning([ADA, ADA_ANON]);
    for (const table of [
      'events',
      'order_items',
      'trigger_decisions',
      'segment_changes',
      'model_checkpoints',
    ]) {
      expect(before[table], `${table} holds the person before`).toBeGreaterThan(0);
    }
    expect((await redisMentioning([ADA, ADA_ANON])).length).toBeGreaterThan(0);
    expect((await modelingGet(`/v1/customers/${ADA}`)).status).toBe(200);
    expect(modeling.people.of(ADA_ANON)).toBeDefined();
    const bobEvents = await count(
      `SELECT count() AS n FROM ${database}.events FINAL WHERE user_key = {u:String}`,
      {
        u: BOB,
      },
    );
    const bobDecisions = await count(
      `SELECT count() AS n FROM ${database}.trigger_decisions FINAL WHERE person = {p:String}`,
      { p: BOB },
    );
    const bobRedis = await redisMentioning([BOB]);
    const bobCustomer = (await modelingGet(`/v1/customers/${BOB}`)).body;

    // The admin key guards the route; a bad body is refused with the field and the reason.
    const request = { regulationType: 'Suppress_With_Delete', subjectType: 'USER_ID', subjectIds: [ADA] };
    expect((await post('/v1/regulations', request)).status).toBe(401);
    expect((await post('/v1/regulations', request, `Bearer ${ADMIN_KEY}x`)).status).toBe(401);
    const bad = await post('/v1/regulations', { ...request, subjectIds: [] }, `Bearer ${ADMIN_KEY}`);
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: 'invalid_regulation', field: 'subjectIds' });
    const accepted = await post('/v1/regulations', request, `Bearer ${ADMIN_KEY}`);
    expect(accepted.status).toBe(200);
    const regulationId = accepted.body['regulationId'] as string;
    expect(regulationId).toMatch(/^reg-/);

    // Each part records its completion, for the user id and for the anonymous id ingest linked to it.
    type Status = {
      subject_id: string;
      linked_to: string;
      ingest_done_at: string | null;
      modeling_done_at: string | null;
      trigger_done_at: string | null;
    };
    let status: Status[] = [];
    await waitUntil(
      async () => {
        status = await queryRows<Status>(
          clickhouse,
          `SELECT subject_id, linked_to, ingest_done_at, modeling_done_at, trigger_done_at
           FROM ${database}.regulation_status WHERE regulation_id = {r:String} ORDER BY subject_id`,
          { r: regulationId },
        );
        return (
          status.length === 2 &&
          status.every(
            (s) => s.ingest_done_at !== null && s.modeling_done_at !== null && s.trigger_done_at !== null,
          )
        );
      },
      90_000,
      'every part of the regulation done',
    );
    expect(status.map((s) => [s.subject_id, s.linked_to])).toEqual([
      [ADA, ''],
      [ADA_ANON, ADA],
    ]);
    // No checkpoint, not even an older version kept for falling back, still holds them.
    expect(await tablesMentioning([ADA, ADA_ANON])).toEqual({});

    // A new event of theirs is acknowledged and not stored; an old one still in Kafka is ignored.
    const again = await post(
      '/v1/track',
      { userId: ADA, event: 'Product Viewed', properties: { product_id: 'lamp' } },
      basicAuth(),
    );
    expect(again.status).toBe(200);
    expect(await metric(collector.registry, /pulse_collector_suppressed_total\{[^}]*\} (\d+)/)).toBe(1);
    const receivedAt = new Date(Date.now() - 60_000);
    const late = [ADA, BOB].map((userId) => {
      const v = validateEvent(
        {
          type: 'track',
          userId,
          messageId: randomUUID(),
          event: 'Product Viewed',
          properties: { product_id: 'rug' },
        },
        { receivedAt },
      );
      if (!v.ok) throw new Error(JSON.stringify(v.problems));
      const e = toStoredEvent(v.value, { receivedAt, sourceId: 'replay' });
      return { key: e.user_key, value: encodeStoredEvent(e) };
    });
    const producer = createIdempotentProducer(kafka);
    await producer.connect();
    await producer.send({ topic: topics.events, messages: late });
    await producer.disconnect();
    await waitForConsumer(kafka, `${prefix}-ingest`, topics.events, { timeoutMs: 30_000 });
    await waitUntil(
      async () =>
        (await count(`SELECT count() AS n FROM ${database}.events FINAL WHERE user_key = {u:String}`, {
          u: BOB,
        })) ===
        bobEvents + 1,
      30_000,
      "bob's late event stored",
    );
    expect(
      await metric(ingest.registry, /pulse_ingest_records_total\{outcome="regulated"[^}]*\} (\d+)/),
    ).toBe(1);
    await waitUntil(
      async () =>
        (await metric(
          modeling.registry,
          /pulse_model_excluded_events_total\{reason="regulation"[^}]*\} (\d+)/,
        )) === 1,
      30_000,
      'the old event kept out of the models',
    );
    await waitUntil(
      async () =>
        (await metric(trigger.registry, /pulse_trigger_events_total\{outcome="regulated"[^}]*\} (\d+)/)) ===
        1,
      30_000,
      'the old event ignored by the trigger',
    );
    // A checkpoint after those events, so that the check below reads the newest state too.
    await modeling.worker.consumer.checkpoint();

    // Nothing of them anywhere: no table row, no Redis key or value, nothing in the modeling API.
    expect(await tablesMentioning([ADA, ADA_ANON])).toEqual({});
    expect(await redisMentioning([ADA, ADA_ANON])).toEqual([]);
    expect((await modelingGet(`/v1/customers/${ADA}`)).status).toBe(404);
    const members = await modelingGet(`/v1/segments/${encodeURIComponent(BIG_SPENDERS)}`);
    expect(members.body['members']).toEqual([BOB]);
    expect((await modelingGet(`/v1/recommendations/users/${ADA}`)).body['source']).toBe('popularity');
    expect(modeling.people.of(ADA)).toBeUndefined();
    expect(modeling.people.of(ADA_ANON)).toBeUndefined();
    expect(await trigger.segments.segmentsOf(ADA)).toEqual([]);
    expect(await pendingCartJobs(ADA)).toBe(0);

    // Everyone else as they were.
    expect(
      await count(
        `SELECT count() AS n FROM ${database}.events FINAL WHERE user_key IN ({u:String}, {a:String})`,
        {
          u: BOB,
          a: BOB_ANON,
        },
      ),
    ).toBe(bobEvents + 1 + 1);
    expect(
      await count(`SELECT count() AS n FROM ${database}.trigger_decisions FINAL WHERE person = {p:String}`, {
        p: BOB,
      }),
    ).toBe(bobDecisions);
    expect(await redisMentioning([BOB])).toEqual(
      expect.arrayContaining(bobRedis.filter((k) => !k.includes('(stream'))),
    );
    expect((await modelingGet(`/v1/customers/${BOB}`)).body).toEqual(bobCustomer);
    expect(await trigger.segments.isMember(BOB, BIG_SPENDERS)).toBe(true);
    expect(await pendingCartJobs(BOB)).toBe(1);

    // A collector started now rebuilds the suppression list from the topic; without an admin key
    // its route is off.
    const another = await startCollector(collectorTestConfig(prefix), { logger });
    try {
      const refused = await fetch(`${another.url}/v1/track`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: basicAuth() },
        body: JSON.stringify({ userId: ADA, event: 'Product Viewed', properties: { product_id: 'desk' } }),
      });
      expect(refused.status).toBe(200);
      expect(await metric(another.registry, /pulse_collector_suppressed_total\{[^}]*\} (\d+)/)).toBe(1);
      const off = await fetch(`${another.url}/v1/regulations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_KEY}` },
        body: JSON.stringify(request),
      });
      expect(off.status).toBe(404);
      expect(((await off.json()) as Record<string, unknown>)['error']).toBe('not_enabled');
    } finally {
      await another.close();
    }

    // The request itself stays where it must: the audit rows and the regulations topic, the
    // suppression list every service rebuilds at start.
    const regulations = await readTopic(kafka, topics.regulations);
    expect(regulations.map((m) => m.key).sort()).toEqual([ADA, ADA_ANON]);
  }, 240_000);

  it('keeps events whose consent refuses personalization out of the models, and does not act on those refusing marketing', async () => {
    // cy's events are stored (analytics is not refused), never modelled, and their order is not acted on.
    expect(
      await count(
        `SELECT count() AS n FROM ${database}.events FINAL WHERE user_key IN ({u:String}, {a:String})`,
        {
          u: CY,
          a: CY_ANON,
        },
      ),
    ).toBe(4);
    expect(
      await metric(modeling.registry, /pulse_model_excluded_events_total\{reason="consent"[^}]*\} (\d+)/),
    ).toBe(4);
    expect((await modelingGet(`/v1/customers/${CY}`)).status).toBe(404);
    expect(modeling.people.of(CY)).toBeUndefined();
    await waitUntil(
      async () =>
        (await count(
          `SELECT count() AS n FROM ${database}.trigger_decisions FINAL
           WHERE person = {p:String} AND outcome = 'suppressed' AND reason = 'consent marketing=false'`,
          { p: CY },
        )) === 1,
      30_000,
      "cy's order not acted on",
    );
  });
});
