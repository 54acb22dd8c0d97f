import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { promisify } from 'node:util';
import { type ClickHouseClient, createClickHouse } from '@pulse/clickhouse';
import type { Collector } from '@pulse/collector';
import { start as startCollector } from '@pulse/collector';
import { createLogger, sleep } from '@pulse/common';
import { encodeStoredEvent, toStoredEvent, validateEvent } from '@pulse/events';
import { type Ingest, InsertUnavailableError, start as startIngest } from '@pulse/ingest';
import { consumerLag, createIdempotentProducer, topicNames, waitForConsumer } from '@pulse/kafka';
import { type ModelingService, modelingConfigFromEnv, start as startModeling } from '@pulse/modeling';
import {
  deleteRedisPrefix,
  parseCampaign,
  start as startTrigger,
  type Trigger,
  type TriggerConfig,
} from '@pulse/trigger';
import type { Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryPanels, REPO, readDashboard } from '../observability/dashboard.js';
import { PrometheusServer, rulesWithoutWaits } from '../observability/prometheus-server.js';
import { metricNames, sampleNames } from '../observability/promql.js';
import { testDatabase } from '../support/chdb.js';
import { basicAuth, collectorTestConfig } from '../support/collector.js';
import { BROKERS, tempDir, uniqueName } from '../support/ids.js';
import { ingestTestConfig } from '../support/ingest.js';
import { deleteTopics, testKafka } from '../support/kafka.js';
import { REDIS_URL, triggerTestConfig } from '../support/trigger-config.js';

// The running services (collector, ingest, modeling and trigger, in this process, on
// ephemeral ports, real Kafka, Redis and chdb) watched by a real Prometheus (Debian's binary)
// with the shipped alert rules: every target up, the dashboard's queries
// answered from what the services export, faults injected and alerts seen
// firing, logs correlated and free of personal data, `pulse status` read.

const run = promisify(execFile);
const prefix = uniqueName('obs');
const topics = topicNames(prefix);
const groupId = `${prefix}-ingest`;
const triggerGroupId = `${prefix}-trigger`;
const modelingGroupId = `${prefix}-modeling`;
const kafka = testKafka();
const chdbPath = tempDir('pulse-obs-chdb');
const database = testDatabase();

/** Log lines of each service, kept in memory. */
const logs = {
  collector: [] as string[],
  ingest: [] as string[],
  trigger: [] as string[],
  modeling: [] as string[],
};
const memory = (lines: string[]) => ({ write: (line: string) => void lines.push(line) });

let clickhouse: ClickHouseClient;
let collector: Collector;
let ingest: Ingest;
let trigger: Trigger;
let modeling: ModelingService;
let prometheus: PrometheusServer;
let producer: Producer;
/** Set to make every ClickHouse insert fail as if the server were down. */
let clickhouseDown = false;

const PERSONAL = { email: 'ada.lovelace@example.com', ip: '203.0.113.77', phone: '+44 20 7946 0958' };

beforeAll(async () => {
  clickhouse = createClickHouse({ database: 'default', chdbPath });
  ingest = await startIngest(
    ingestTestConfig(prefix, {
      database,
      chdbPath: 'unused: the client is shared',
      groupId,
      logLevel: 'info',
      batchRows: 500,
      flushIntervalMs: 200,
      lagIntervalMs: 500,
      lagWindowMs: 3000,
    }),
    {
      clickhouse,
      logger: createLogger({ service: 'ingest', level: 'info' }, memory(logs.ingest)),
      wrapInserter: (inner) => ({
        async insert(rows) {
          if (clickhouseDown)
            throw new InsertUnavailableError('simulated outage: connection refused', undefined);
          await inner.insert(rows);
        },
      }),
    },
  );
  // The trigger reads the same events topic; its queues live under the run's own Redis prefix, its
  // decisions in a database of its own on the one chdb engine of this process.
  trigger = await startTrigger(triggerConfig(), {
    clickhouse,
    campaigns: [BIG_ORDERS],
    apiServer: false,
    logger: createLogger({ service: 'trigger', level: 'debug' }, memory(logs.trigger)),
  });
  modeling = await startModeling(
    modelingConfigFromEnv({
      KAFKA_BROKERS: BROKERS.join(','),
      KAFKA_TOPIC_PREFIX: prefix,
      MODELING_GROUP_ID: modelingGroupId,
      CLICKHOUSE_DATABASE: testDatabase(),
      MODELING_METRICS_PORT: '0',
      MODELING_API_PORT: '0',
      MODELING_API_HOST: '127.0.0.1',
      MODELING_CHECKPOINT_INTERVAL_MS: '300',
      MODELING_LOG_LEVEL: 'info',
    }),
    { clickhouse, logger: createLogger({ service: 'modeling', level: 'info' }, memory(logs.modeling)) },
  );
  collector = await startCollector(collectorTestConfig(prefix), {
    logger: createLogger({ service: 'collector', level: 'debug' }, memory(logs.collector)),
  });
  producer = createIdempotentProducer(kafka);
  await producer.connect();
  prometheus = new PrometheusServer(
    [
      { job: 'pulse-collector', targets: [`127.0.0.1:${collector.port}`] },
      { job: 'pulse-ingest', targets: [`127.0.0.1:${ingest.metricsPort}`] },
      { job: 'pulse-trigger', targets: [`127.0.0.1:${trigger.metricsPort}`] },
      { job: 'pulse-modeling', targets: [`127.0.0.1:${modeling.metricsPort}`] },
    ],
    rulesWithoutWaits(),
  );
  await prometheus.start();
  // Scraped before anything happens, so that rates see the traffic as an increase. Prometheus
  // applies discovered targets after up to 5 s, then scrapes every second.
  await prometheus.until('every target scraped', async () => {
    const targets = await prometheus.targets();
    return targets.length === 4 && targets.every((t) => t.health === 'up');
  });
  await sendTraffic();
  await sendOrders();
});

afterAll(async () => {
  await prometheus?.stop();
  await producer?.disconnect().catch(() => undefined);
  await collector?.close();
  await ingest?.close();
  await trigger?.close();
  await modeling?.close();
  await deleteRedisPrefix(REDIS_URL, prefix).catch(() => undefined);
  await clickhouse?.close();
  await deleteTopics(kafka, prefix).catch(() => undefined);
  rmSync(chdbPath, { recursive: true, force: true });
});

const BIG_ORDERS = parseCampaign(
  {
    id: 'obs-big-orders',
    trigger: {
      kind: 'event',
      event: 'Order Completed',
      where: [{ field: 'properties.revenue', op: 'gt', value: 100 }],
    },
    channel: { type: 'log' },
    variants: [{ name: 'thanks', template: { text: 'Thanks for order {{event.properties.order_id}}' } }],
  },
  'observability test',
);

function triggerConfig(): TriggerConfig {
  return triggerTestConfig(prefix, testDatabase(), {
    logLevel: 'debug',
    lagIntervalMs: 500,
    lagWindowMs: 3000,
  });
}

function order(messageId: string, revenue: number) {
  return {
    type: 'track',
    event: 'Order Completed',
    userId: `buyer-${messageId}`,
    messageId,
    properties: { order_id: `o-${messageId}`, revenue },
    context: { ip: PERSONAL.ip, traits: { email: PERSONAL.email } },
  };
}

async function delivered(): Promise<number> {
  const metric = await trigger.registry.getSingleMetric('pulse_actions_total')?.get();
  return (metric?.values ?? [])
    .filter((v) => v.labels['outcome'] === 'delivered')
    .reduce((sum, v) => sum + v.value, 0);
}

/**
 * Orders through the collector in three rounds a few scrapes apart, so that
 * Prometheus sees the actions counter and the latency histogram move (a rate
 * needs an increase between two scrapes); the small orders match no campaign.
 */
async function sendOrders(): Promise<void> {
  for (let round = 0; round < 3; round++) {
    const res = await post(
      {
        batch: [
          ...Array.from({ length: 4 }, (_, j) => order(`big-${round}-${j}`, 150)),
          order(`small-${round}`, 20),
        ],
      },
      `req-orders-${round}`,
    );
    expect(res.status).toBe(200);
    // The modeling API answers between scrapes too, so that its latency has a rate.
    const recs = await fetch(
      `http://127.0.0.1:${modeling.apiPort}/v1/recommendations/users/buyer-big-${round}-0?k=3`,
    );
    expect(recs.status).toBe(200);
    const want = 4 * (round + 1);
    await prometheus.until(`${want} actions delivered`, async () => (await delivered()) >= want, 60_000);
    await sleep(1500);
  }
  await waitForConsumer(kafka, triggerGroupId, topics.events, { timeoutMs: 60_000 });
}

function identify(messageId: string) {
  return {
    type: 'identify',
    userId: `user-${messageId}`,
    messageId,
    traits: { email: PERSONAL.email, phone: PERSONAL.phone, firstName: 'Ada', plan: 'pro' },
    context: { ip: PERSONAL.ip },
  };
}

async function post(body: unknown, requestId?: string): Promise<Response> {
  return fetch(`${collector.url}/v1/batch`, {
    method: 'POST',
    headers: {
      authorization: basicAuth(),
      'content-type': 'application/json',
      ...(requestId ? { 'x-request-id': requestId } : {}),
    },
    body: JSON.stringify(body),
  });
}

/** Good events, refused events and records ingest must dead-letter, then waits until ingest has committed them. */
async function sendTraffic(): Promise<void> {
  for (let i = 0; i < 20; i++) {
    const res = await post(
      { batch: Array.from({ length: 25 }, (_, j) => identify(`ok-${i}-${j}`)) },
      `req-ok-${i}`,
    );
    expect(res.status).toBe(200);
  }
  const refused = await post({ batch: [identify('ok-mixed'), { type: 'track', userId: 'u' }] }, 'req-mixed');
  expect(refused.status).toBe(400);
  // Written straight to Kafka, past the collector: ingest refuses them with a reason.
  await producer.send({
    topic: topics.events,
    acks: -1,
    messages: Array.from({ length: 30 }, (_, i) => ({
      key: 'bad',
      value: JSON.stringify({ v: 1, message_id: `dl-${i}`, traits: { email: PERSONAL.email } }),
    })),
  });
  await waitForConsumer(kafka, groupId, topics.events, { timeoutMs: 60_000 });
}

describe('a real Prometheus watching the running services', () => {
  it('scrapes every service: every target is up', async () => {
    const targets = await prometheus.targets();
    expect(targets.map((t) => [t.labels['job'], t.health]).sort()).toEqual([
      ['pulse-collector', 'up'],
      ['pulse-ingest', 'up'],
      ['pulse-modeling', 'up'],
      ['pulse-trigger', 'up'],
    ]);
    const up = await prometheus.query('up');
    expect(up.result.map((r) => [r.metric['job'], r.value[1]]).sort()).toEqual([
      ['pulse-collector', '1'],
      ['pulse-ingest', '1'],
      ['pulse-modeling', '1'],
      ['pulse-trigger', '1'],
    ]);
  });

  it('loads the shipped rules, each with a severity, a summary, a description and a runbook', async () => {
    const { groups } = await prometheus.api<{
      groups: Array<{
        rules: Array<{
          type: string;
          name: string;
          labels: Record<string, string>;
          annotations: Record<string, string>;
          health: string;
        }>;
      }>;
    }>('/api/v1/rules');
    const alerts = groups.flatMap((g) => g.rules).filter((r) => r.type === 'alerting');
    expect(alerts.length).toBe(10);
    for (const rule of alerts) {
      expect(rule.health, rule.name).not.toBe('err');
      expect(rule.labels['severity'], rule.name).toMatch(/^(critical|warning)$/);
      for (const key of ['summary', 'description', 'runbook'])
        expect(rule.annotations[key], `${rule.name} ${key}`).toMatch(/\w{3}/);
    }
  });

  it('every dashboard panel queries metrics the services export, and shows data', async () => {
    const exported = new Set([
      ...sampleNames(await collector.registry.getMetricsAsJSON()),
      ...sampleNames(await ingest.registry.getMetricsAsJSON()),
      ...sampleNames(await trigger.registry.getMetricsAsJSON()),
      ...sampleNames(await modeling.registry.getMetricsAsJSON()),
      'up', // Prometheus' own, per target
    ]);
    const { panels } = readDashboard();
    const missing: string[] = [];
    for (const panel of queryPanels(panels)) {
      for (const target of panel.targets ?? []) {
        for (const name of metricNames(target.expr ?? '')) {
          if (!exported.has(name)) missing.push(`${panel.title}: ${name}`);
        }
      }
    }
    expect(missing).toEqual([]);

    // The same queries against Prometheus: each answers at least one number.
    const empty: string[] = [];
    for (const panel of queryPanels(panels)) {
      for (const target of panel.targets ?? []) {
        const expr = target.expr ?? '';
        const hasData = async () =>
          (await prometheus.query(expr)).result.some((r) => Number.isFinite(Number(r.value[1])));
        await prometheus
          .until(`data for "${panel.title}"`, hasData, 10_000)
          .catch(async () =>
            empty.push(`${panel.title}: ${expr} -> ${JSON.stringify(await prometheus.query(expr))}`),
          );
      }
    }
    expect(empty).toEqual([]);
  });

  it('exports consumer lag per partition from committed offsets, and it is 0 once ingest caught up', async () => {
    await prometheus.until('lag 0 in Prometheus', async () => {
      const lag = await prometheus.query(`sum(pulse_kafka_consumer_lag{group="${groupId}"})`);
      return lag.result[0]?.value[1] === '0';
    });
    const partitions = await prometheus.query(`pulse_kafka_consumer_lag{group="${groupId}"}`);
    expect(partitions.result.map((r) => r.metric['partition']).sort()).toEqual([
      '0',
      '1',
      '2',
      '3',
      '4',
      '5',
    ]);
    expect(new Set(partitions.result.map((r) => r.metric['topic']))).toEqual(new Set([topics.events]));
  });

  it('exports the trigger: queue depth by state per queue, actions by campaign and outcome, event-to-action latency, its lag; ready', async () => {
    const queues = await prometheus.query('pulse_queue_jobs{job="pulse-trigger"}');
    expect(queues.result.map((r) => `${r.metric['queue']} ${r.metric['state']}`).sort()).toEqual(
      ['trigger-deliver-log', 'trigger-occasions'].flatMap((q) =>
        ['active', 'delayed', 'failed', 'waiting'].map((st) => `${q} ${st}`),
      ),
    );
    const actions = await prometheus.query('sum by (campaign, channel, outcome) (pulse_actions_total)');
    expect(
      actions.result.map((r) => [r.metric['campaign'], r.metric['channel'], r.metric['outcome'], r.value[1]]),
    ).toEqual([['obs-big-orders', 'log', 'delivered', '12']]);
    const latency = await prometheus.query(
      'sum by (channel) (pulse_event_to_action_seconds_count{job="pulse-trigger"})',
    );
    expect(latency.result.map((r) => [r.metric['channel'], r.value[1]])).toEqual([['log', '12']]);
    // Every event read, by what it was to the trigger: the 30 records ingest dead-letters are invalid here too.
    const events = await prometheus.query('sum by (outcome) (pulse_trigger_events_total)');
    expect(
      Object.fromEntries(events.result.map((r) => [r.metric['outcome'], Number(r.value[1])])),
    ).toMatchObject({
      matched: 12,
      invalid: 30,
      stale: 0,
    });
    await prometheus.until('trigger lag 0 in Prometheus', async () => {
      const lag = await prometheus.query(`sum(pulse_kafka_consumer_lag{group="${triggerGroupId}"})`);
      return lag.result[0]?.value[1] === '0';
    });
    const partitions = await prometheus.query(`pulse_kafka_consumer_lag{job="pulse-trigger"}`);
    // The events group and the segment-changes group (`<group>-segments`), six partitions each.
    expect(partitions.result.map((r) => `${r.metric['group']} ${r.metric['partition']}`).sort()).toEqual(
      [triggerGroupId, `${triggerGroupId}-segments`].flatMap((g) =>
        ['0', '1', '2', '3', '4', '5'].map((p) => `${g} ${p}`),
      ),
    );
    // The campaign API is counted by route pattern, as the collector's routes are.
    expect((await trigger.api.inject({ method: 'GET', url: '/campaigns/obs-big-orders' })).statusCode).toBe(
      200,
    );
    expect((await trigger.api.inject({ method: 'GET', url: '/campaigns/nope' })).statusCode).toBe(404);
    await prometheus.until('campaign API requests in Prometheus', async () => {
      const http = await prometheus.query(
        'sum by (route, status) (pulse_http_requests_total{job="pulse-trigger", route="/campaigns/:id"})',
      );
      return (
        JSON.stringify(http.result.map((r) => [r.metric['status'], r.value[1]]).sort()) ===
        JSON.stringify([
          ['200', '1'],
          ['404', '1'],
        ])
      );
    });
    const readyz = await fetch(`http://127.0.0.1:${trigger.metricsPort}/readyz`);
    expect({ status: readyz.status, body: await readyz.json() }).toMatchObject({
      status: 200,
      body: { reasons: [] },
    });
    expect((await fetch(`http://127.0.0.1:${trigger.metricsPort}/healthz`)).status).toBe(200);
  });

  it('exports the modeling worker: updates and freshness per model, its lag, segment changes; ready', async () => {
    await waitForConsumer(kafka, modelingGroupId, topics.events, { timeoutMs: 60_000 });
    const updates = await prometheus.query(
      'sum by (model) (pulse_model_updates_total{job="pulse-modeling"})',
    );
    expect(updates.result.map((r) => r.metric['model']).sort()).toEqual([
      'recs:hybrid',
      'recs:people',
      'segments',
    ]);
    for (const r of updates.result) expect(Number(r.value[1]), r.metric['model']).toBeGreaterThan(0);
    const freshness = await prometheus.query('max by (model) (pulse_model_freshness_seconds)');
    expect(freshness.result.length).toBe(3);
    for (const r of freshness.result) expect(Number(r.value[1])).toBeLessThan(600);
    await prometheus.until('modeling lag 0 in Prometheus', async () => {
      const lag = await prometheus.query(`sum(pulse_kafka_consumer_lag{group="${modelingGroupId}"})`);
      return lag.result[0]?.value[1] === '0';
    });
    // An order over £1,000 makes its buyer a "big spender" (an example rule segment).
    const receivedAt = new Date();
    const big = order('whale-1', 1500);
    const whale = validateEvent({ ...big, properties: { ...big.properties, total: 1500 } }, { receivedAt });
    if (!whale.ok) throw new Error(JSON.stringify(whale.problems));
    const stored = toStoredEvent(whale.value, { receivedAt, sourceId: 'obs-test' });
    await producer.send({
      topic: topics.events,
      acks: -1,
      messages: [{ key: stored.user_key, value: encodeStoredEvent(stored) }],
    });
    await prometheus.until('segment entries published', async () => {
      const published = await prometheus.query(
        'sum(pulse_segment_changes_published_total{change="entered"})',
      );
      return Number(published.result[0]?.value[1] ?? 0) > 0;
    });
    const readyz = await fetch(`http://127.0.0.1:${modeling.metricsPort}/readyz`);
    expect({ status: readyz.status, body: await readyz.json() }).toMatchObject({
      status: 200,
      body: { reasons: [] },
    });
  });

  it('carries the request id and the messageId through the logs, and no personal data', () => {
    const collectorLogs = logs.collector.map((l) => JSON.parse(l) as Record<string, unknown>);
    const okRequest = collectorLogs.find((l) => l['requestId'] === 'req-ok-3');
    expect(okRequest).toMatchObject({ service: 'collector', msg: 'events received' });
    expect(okRequest!['messageIds']).toEqual(Array.from({ length: 25 }, (_, j) => `ok-3-${j}`));
    expect(collectorLogs.find((l) => l['requestId'] === 'req-mixed')).toMatchObject({
      messageIds: ['ok-mixed'],
      rejected: [{ index: 1, field: 'event', code: 'required' }],
    });

    const ingestLogs = logs.ingest.map((l) => JSON.parse(l) as Record<string, unknown>);
    const deadLettered = ingestLogs.filter((l) => l['msg'] === 'event sent to the dead-letter topic');
    const summarised = ingestLogs
      .filter((l) => l['msg'] === 'more events of this batch sent to the dead-letter topic')
      .reduce((sum, l) => sum + Number(l['more']), 0);
    // One line per dead letter, named by its messageId (past 20 in one batch, a line counts the rest).
    expect(deadLettered.length + summarised).toBe(30);
    expect(deadLettered.length).toBeGreaterThanOrEqual(20);
    const ids = deadLettered.map((l) => String(l['messageId']));
    expect(new Set(ids).size).toBe(ids.length);
    for (const line of deadLettered) {
      expect(line).toMatchObject({ service: 'ingest', reason: 'invalid_event', topic: topics.events });
      expect(String(line['messageId'])).toMatch(/^dl-([0-9]|[12][0-9])$/);
    }
    // The trigger names the event's messageId and the job id from the occasion to the delivery.
    const triggerLogs = logs.trigger.map((l) => JSON.parse(l) as Record<string, unknown>);
    const opened = triggerLogs.find((l) => l['msg'] === 'occasion opened' && l['messageId'] === 'big-1-2');
    expect(opened).toMatchObject({ service: 'trigger', campaign: 'obs-big-orders' });
    const jobId = String(opened!['jobId']);
    expect(jobId).toMatch(/obs-big-orders/);
    expect(triggerLogs.find((l) => l['msg'] === 'action delivered' && l['jobId'] === jobId)).toMatchObject({
      messageId: 'big-1-2',
      campaign: 'obs-big-orders',
      channel: 'log',
    });
    const all = [...logs.collector, ...logs.ingest, ...logs.trigger, ...logs.modeling].join('');
    for (const value of Object.values(PERSONAL)) expect(all).not.toContain(value);
  });

  it('fires the dead-letter alert when bad records arrive', async () => {
    await prometheus.until('PulseDeadLettersRising firing', async () =>
      (await prometheus.alerts()).some(
        (a) =>
          a.labels['alertname'] === 'PulseDeadLettersRising' &&
          a.labels['reason'] === 'invalid_event' &&
          a.state === 'firing',
      ),
    );
    const alert = (await prometheus.alerts()).find((a) => a.labels['alertname'] === 'PulseDeadLettersRising');
    expect(alert?.annotations['summary']).toBe('Events go to the dead-letter topic (invalid_event)');
  });

  it('with ClickHouse failing: ingest is not ready with the reasons, the inserts alert fires, and all recovers', async () => {
    const readyz = async () => {
      const res = await fetch(`http://127.0.0.1:${ingest.metricsPort}/readyz`);
      return { status: res.status, body: (await res.json()) as { reasons: string[] } };
    };
    // Readiness includes keeping up: after the earlier tests' bursts it may take a moment to be 200.
    let before = await readyz();
    await prometheus
      .until('ingest ready before the outage', async () => {
        before = await readyz();
        return before.status === 200;
      })
      .catch(() => expect(before.body.reasons).toEqual([]));
    clickhouseDown = true;
    try {
      const res = await post(
        { batch: Array.from({ length: 10 }, (_, j) => identify(`outage-${j}`)) },
        'req-outage',
      );
      expect(res.status).toBe(200);
      let last = await readyz();
      await prometheus.until('ingest not ready, stuck', async () => {
        last = await readyz();
        return last.status === 503 && last.body.reasons.some((r) => r.includes('is stuck'));
      });
      expect(last.body.reasons).toEqual(
        expect.arrayContaining([
          'ClickHouse insert failed: simulated outage: connection refused',
          expect.stringMatching(
            new RegExp(
              `^consumer group ${groupId} is stuck on ${topics.events.replace(/\./g, '\\.')}: \\d+ records waiting and nothing committed for \\d+ s$`,
            ),
          ),
        ]),
      );
      await prometheus.until('PulseClickHouseInsertsFailing firing', async () =>
        (await prometheus.alerts()).some(
          (a) =>
            a.labels['alertname'] === 'PulseClickHouseInsertsFailing' &&
            a.labels['job'] === 'pulse-ingest' &&
            a.state === 'firing',
        ),
      );
      const lag = await consumerLag(kafka, groupId, topics.events);
      expect(lag.reduce((sum, p) => sum + p.lag, 0)).toBeGreaterThan(0);
    } finally {
      clickhouseDown = false;
    }
    await waitForConsumer(kafka, groupId, topics.events, { timeoutMs: 60_000 });
    await prometheus.until('ingest ready again', async () => (await readyz()).status === 200, 30_000);
  });

  it('`pnpm pulse status` reads the running services', async () => {
    const cli = await run(
      process.execPath,
      [
        '--import',
        'tsx',
        'packages/cli/src/main.ts',
        'status',
        '--collector',
        collector.url,
        '--ingest',
        `http://127.0.0.1:${ingest.metricsPort}`,
        '--trigger',
        `http://127.0.0.1:${trigger.metricsPort}`,
        '--modeling',
        `http://127.0.0.1:${modeling.metricsPort}`,
        '--seconds',
        '1',
      ],
      { cwd: REPO, timeout: 60_000 },
    ).then(
      (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
      (err: { code?: number; stdout?: string; stderr?: string }) => ({
        code: err.code ?? -1,
        stdout: err.stdout ?? '',
        stderr: err.stderr ?? '',
      }),
    );
    // Exit code 0: every service up and ready.
    expect(cli, `pulse status:\n${cli.stdout}`).toMatchObject({ code: 0, stderr: '' });
    const stdout = cli.stdout;
    const lines = stdout.split('\n');
    expect(lines[0]).toMatch(/^Pulse status at \S+ \(rates over 1\.\d s\)$/);
    expect(lines).toContain(`collector  ${collector.url}  ready`);
    expect(lines).toContain(`ingest     http://127.0.0.1:${ingest.metricsPort}  ready`);
    expect(stdout).toMatch(
      new RegExp(`lag +${groupId} on ${topics.events.replace(/\./g, '\\.')}: 0 records`),
    );
    expect(stdout).toMatch(/events +\S+ accepted/);
    expect(stdout).toMatch(/clickhouse +insert p50/);
    expect(lines).toContain(`trigger    http://127.0.0.1:${trigger.metricsPort}  ready`);
    expect(stdout).toMatch(
      /queue +trigger-occasions: \d+ waiting {3}\d+ active {3}\d+ delayed {3}\d+ failed/,
    );
    expect(stdout).toMatch(/queue +trigger-deliver-log: /);
    expect(lines).toContain(`modeling   http://127.0.0.1:${modeling.metricsPort}  ready`);
    expect(stdout).toMatch(/model +segments: \S+ updates\/s {3}newest event .+ old/);
    expect(stdout).not.toMatch(/model +: /);
    // Percentiles are over the window: none when no action was delivered in it.
    expect(stdout).toMatch(/actions +\S+\/s.* event→action p50 \S+/);
    expect(stdout).toMatch(
      new RegExp(`lag +${triggerGroupId} on ${topics.events.replace(/\./g, '\\.')}: 0 records`),
    );
  });

  it('fires the event-to-action alert when actions come later than the objective', async () => {
    expect(
      (await prometheus.alerts()).filter((a) => a.labels['alertname'] === 'PulseEventToActionSlow'),
    ).toEqual([]);
    // Orders that reached the collector 10 s ago (a backlog upstream): their actions are late.
    const receivedAt = new Date(Date.now() - 10_000);
    const late = Array.from({ length: 6 }, (_, i) => {
      const v = validateEvent(order(`late-${i}`, 150), { receivedAt });
      if (!v.ok) throw new Error(JSON.stringify(v.problems));
      return toStoredEvent(v.value, { receivedAt, sourceId: 'obs-test' });
    });
    await producer.send({
      topic: topics.events,
      acks: -1,
      messages: late.map((e) => ({ key: e.user_key, value: encodeStoredEvent(e) })),
    });
    await prometheus.until('PulseEventToActionSlow firing', async () =>
      (await prometheus.alerts()).some(
        (a) => a.labels['alertname'] === 'PulseEventToActionSlow' && a.state === 'firing',
      ),
    );
    const alert = (await prometheus.alerts()).find((a) => a.labels['alertname'] === 'PulseEventToActionSlow');
    expect(alert?.annotations['summary']).toMatch(
      /^Event-to-action p99 is \d+(\.\d+)?s, above the 1 s objective$/,
    );
  });

  it('sees a service that went away as down, and alerts', async () => {
    await collector.close();
    await prometheus.until('collector target down', async () =>
      (await prometheus.targets()).some((t) => t.labels['job'] === 'pulse-collector' && t.health === 'down'),
    );
    await prometheus.until('PulseServiceDown firing', async () =>
      (await prometheus.alerts()).some(
        (a) =>
          a.labels['alertname'] === 'PulseServiceDown' &&
          a.labels['job'] === 'pulse-collector' &&
          a.state === 'firing',
      ),
    );
    const alert = (await prometheus.alerts()).find((a) => a.labels['alertname'] === 'PulseServiceDown');
    expect(alert?.annotations['summary']).toBe(`pulse-collector at 127.0.0.1:${collector.port} is down`);
    // The other service is untouched.
    expect((await prometheus.targets()).find((t) => t.labels['job'] === 'pulse-ingest')?.health).toBe('up');
  });
});
