import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { queryRows } from '@pulse/clickhouse';
import { createLogger } from '@pulse/common';
import { mapOnlineRetail, readOnlineRetail, type SegmentCall } from '@pulse/datasets';
import { createKafka, topicNames, waitForConsumer } from '@pulse/kafka';
import { deleteRedisPrefix, startWebhookReceiver } from '@pulse/trigger';
import type { Kafka } from 'kafkajs';
import { startPipeline } from '../pipeline.js';
import { Progress } from '../progress.js';
import { RejectionTally } from '../rejections.js';
import { replayCalls } from '../replay/replay-calls.js';
import { campaignEnv, DEMO_WEBHOOK_SECRET, demoCampaigns, writeCampaignDir } from './demo-campaigns.js';
import { modelingSummary } from './modeling-summary.js';
import { loadOttoCalls } from './otto-replay.js';
import { resetDemo } from './reset.js';
import { campaignsSummary, waitForCampaigns } from './trigger-summary.js';
import { sendForgedRequest, webhookSummary } from './webhook-summary.js';

export interface DemoOptions {
  env: Record<string, string | undefined>;
  speed: number;
  /** Stop after this many calls (0: the whole data set). */
  limit: number;
  dataDir?: string;
  summaryPath: string;
}

export interface DemoSummary {
  sent: number;
  accepted: number;
  rejected: number;
  stored: number;
  dead_letters: number;
  rejected_reasons: Record<string, number>;
  seconds: number;
  [more: string]: unknown;
}

/** Demo defaults: a topic prefix, group and data directory of its own, so it never touches other data. */
export function demoEnv(env: Record<string, string | undefined>): Record<string, string | undefined> {
  return {
    KAFKA_TOPIC_PREFIX: 'pulse-demo',
    INGEST_GROUP_ID: 'pulse-demo-ingest',
    CHDB_PATH: '.pulse/demo/chdb',
    COLLECTOR_PORT: '0',
    INGEST_METRICS_PORT: '0',
    PULSE_WRITE_KEYS: 'pulse-demo-key:demo',
    INGEST_LOG_LEVEL: 'warn',
    COLLECTOR_LOG_LEVEL: 'warn',
    // The trigger runs the example campaigns on the replay: a run of its own
    // (group, queues) each time, and old invoices count as occasions.
    TRIGGER_GROUP_ID: `pulse-demo-trigger-${RUN}`,
    TRIGGER_QUEUE_PREFIX: `pulse-demo-${RUN}`,
    TRIGGER_FROM_BEGINNING: 'true',
    TRIGGER_MAX_LATENESS_HOURS: '1000000',
    TRIGGER_METRICS_PORT: '0',
    TRIGGER_API_PORT: '0',
    TRIGGER_LOG_LEVEL: 'warn',
    // The modeling service learns the replay: a group of its own each run (its checkpoints and
    // segment-change progress are per group).
    MODELING_GROUP_ID: `pulse-demo-modeling-${RUN}`,
    MODELING_API_PORT: '0',
    MODELING_METRICS_PORT: '0',
    MODELING_LOG_LEVEL: 'warn',
    MODELING_SIMILARITY_INTERVAL_MS: '0',
    // Everything shares one process here: fewer checkpoints (each serialises the whole state on the
    // event loop) keep the collector answering the replay promptly.
    MODELING_CHECKPOINT_INTERVAL_MS: '30000',
    // Webhook campaigns of the demo go to receivers on this machine.
    TRIGGER_ALLOW_PRIVATE_WEBHOOKS: 'true',
    ...env,
  };
}

const RUN = Date.now().toString(36);
/** Written each run: the campaigns carry this run's receiver port. */
const CAMPAIGNS_DIR = '.pulse/demo/campaigns';

/**
 * The whole pipeline over real data: Online Retail replayed through the
 * real Segment client into the collector, Kafka, ingest and ClickHouse, then
 * counted where it landed.
 */
export async function runRetailDemo(options: DemoOptions): Promise<DemoSummary> {
  const started = performance.now();
  const startedAt = Date.now();
  // The campaigns' webhooks go to the bundled receiver, which checks every signature.
  const receiver = await startWebhookReceiver({
    secret: options.env['TRIGGER_WEBHOOK_SECRET'] ?? DEMO_WEBHOOK_SECRET,
    host: '127.0.0.1',
    port: 0,
  });
  writeCampaignDir(CAMPAIGNS_DIR, demoCampaigns(`http://127.0.0.1:${receiver.port}/hooks`));
  const env = demoEnv({ ...(await campaignEnv(options.env, CAMPAIGNS_DIR)), ...options.env });
  const logger = createLogger({ service: 'demo', level: 'warn' });
  const prefix = env['KAFKA_TOPIC_PREFIX']!;
  const groupId = env['INGEST_GROUP_ID']!;
  const kafka = createKafka(
    { brokers: (env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(','), clientId: 'pulse-demo' },
    logger,
  );
  if (!env['CLICKHOUSE_URL']) {
    await resetDemo(kafka, { topicPrefix: prefix, groupIds: [groupId], chdbPath: env['CHDB_PATH']! });
  }

  const tally = new RejectionTally();
  const pipeline = await startPipeline({
    env,
    services: ['collector', 'ingest', 'modeling', 'trigger'],
    logger,
    onRejected: (r) => tally.add(r),
  }).catch(async (err: unknown) => {
    await receiver.close();
    throw err;
  });
  try {
    const { calls, notSent, callCount } = await loadRetailCalls(options);
    say(
      `Online Retail: ${callCount} Segment calls from 541,909 invoice lines; replaying at ${options.speed}x`,
    );
    const progress = new Progress('replay', callCount);
    const replay = await replayCalls(calls, {
      url: pipeline.collector!.url,
      writeKey: 'pulse-demo-key',
      speed: options.speed,
      onProgress: (n) => progress.update(n),
    });
    progress.update(replay.sent);
    progress.done();

    const topics = topicNames(prefix);
    const triggerGroup = env['TRIGGER_GROUP_ID']!;
    await waitForConsumer(kafka, groupId, topics.events, { timeoutMs: 120_000 });
    // Once the trigger has read every retail event, so its cart waits start when the carts arrive
    // (its queues may still be deciding and delivering: that goes on beside the modeling summary).
    await waitForConsumer(kafka, triggerGroup, topics.events, { timeoutMs: 120_000 });
    const otto = await loadOttoCalls({
      ...(options.dataDir ? { dataDir: options.dataDir } : {}),
      endAt: calls[calls.length - 1]?.timestamp ?? new Date(),
    });
    say(
      `OTTO sample: ${otto.calls.length} Segment calls from ${otto.sessions} sessions, for the abandoned-cart campaign`,
    );
    const ottoReplay = await replayCalls(otto.calls, {
      url: pipeline.collector!.url,
      writeKey: 'pulse-demo-key',
      speed: options.speed,
    });
    await waitForConsumer(kafka, groupId, topics.events, { timeoutMs: 120_000 });
    await waitForConsumer(kafka, triggerGroup, topics.events, { timeoutMs: 120_000 });
    await waitForConsumer(kafka, env['MODELING_GROUP_ID']!, topics.events, { timeoutMs: 180_000 });
    const modeling = await modelingSummary(pipeline.modeling!, options.dataDir);
    const pending = await waitForCampaigns(
      pipeline.trigger!,
      () => pipeline.modeling!.publisher.publishedSeq,
      180_000,
    );
    const campaigns = await campaignsSummary(
      pipeline.trigger!,
      {
        client: pipeline.clickhouse!,
        database: pipeline.config.ingest.clickhouse.database,
        sinceMs: startedAt,
      },
      pending,
    );
    const webhooks = webhookSummary(receiver, await sendForgedRequest(receiver));
    const sent = replay.sent + ottoReplay.sent;
    const accepted = await counterValue(pipeline, 'accepted');
    const ch = pipeline.clickhouse!;
    const db = pipeline.config.ingest.clickhouse.database;
    const [stored] = await queryRows<{ n: string }>(ch, `SELECT count() AS n FROM ${db}.events FINAL`);
    const byEvent = await queryRows<{ type: string; event: string; n: string }>(
      ch,
      `SELECT type, event, count() AS n FROM ${db}.events FINAL GROUP BY type, event ORDER BY n DESC`,
    );
    const [orders] = await queryRows<{ customers: string; guests: string; revenue: number; refunds: number }>(
      ch,
      `SELECT uniqExactIf(user_id, user_id != '') AS customers, uniqExactIf(anonymous_id, user_id = '') AS guests,
              round(sumIf(revenue, event = 'Order Completed'), 2) AS revenue,
              round(sumIf(total, event = 'Order Refunded'), 2) AS refunds
       FROM ${db}.events FINAL WHERE type = 'track' AND NOT startsWith(anonymous_id, 'otto-')`,
    );
    const deadLetters = await topicSize(kafka, topics.deadLetters);
    // Events the Segment client refused to send (over 32 KB) never reached the collector. (The
    // accepted counter is no measure here: a request retried after a timeout is accepted twice.)
    const clientRefused = sent - Number(stored?.n ?? 0) - deadLetters - tally.total;
    if (clientRefused > 0) {
      const reasons = [...replay.failed.keys(), ...ottoReplay.failed.keys()].filter(
        (m) => !m.startsWith('['),
      );
      tally.count(`(client): ${reasons[0] ?? 'not delivered'}`, reasons.join('; '), clientRefused);
    }
    const summary: DemoSummary = {
      sent,
      accepted,
      rejected: tally.total,
      stored: Number(stored?.n ?? 0),
      dead_letters: deadLetters,
      rejected_reasons: tally.toJSON(),
      seconds: round((performance.now() - started) / 1000),
      rejection_examples: Object.fromEntries(tally.examples),
      source_rows_not_sent: notSent,
      stored_by_event: Object.fromEntries(
        byEvent.map((r) => [r.type === 'track' ? r.event : r.type, Number(r.n)]),
      ),
      customers: Number(orders?.customers ?? 0),
      guest_checkouts: Number(orders?.guests ?? 0),
      revenue_gbp: orders?.revenue ?? 0,
      refunded_gbp: orders?.refunds ?? 0,
      replay_events_per_s: round(replay.sent / replay.seconds),
      otto_sample: { sessions: otto.sessions, sent: ottoReplay.sent },
      ...campaigns,
      webhooks,
      modeling,
    };
    mkdirSync(dirname(options.summaryPath), { recursive: true });
    writeFileSync(options.summaryPath, `${JSON.stringify(summary, null, 2)}\n`);
    return summary;
  } finally {
    await pipeline.close();
    await receiver.close();
    await deleteRedisPrefix(env['REDIS_URL'] ?? 'redis://127.0.0.1:6379', env['TRIGGER_QUEUE_PREFIX']!).catch(
      () => 0,
    );
  }
}

async function loadRetailCalls(options: DemoOptions) {
  const calls: SegmentCall[] = [];
  const notSent: Record<string, number> = {};
  for await (const item of mapOnlineRetail(
    readOnlineRetail(options.dataDir ? { dataDir: options.dataDir } : {}),
  )) {
    if (item.kind === 'not_sent') notSent[item.reason] = (notSent[item.reason] ?? 0) + item.lines.length;
    else if (options.limit === 0 || calls.length < options.limit) calls.push(item.call);
  }
  return { calls, notSent, callCount: calls.length };
}

async function counterValue(
  pipeline: Awaited<ReturnType<typeof startPipeline>>,
  outcome: string,
): Promise<number> {
  const metric = await pipeline.collector!.registry.getSingleMetric('pulse_collector_events_total')?.get();
  return (metric?.values ?? [])
    .filter((v) => v.labels['outcome'] === outcome)
    .reduce((s, v) => s + v.value, 0);
}

async function topicSize(kafka: Kafka, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
  } finally {
    await admin.disconnect();
  }
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

function say(line: string): void {
  process.stderr.write(`${line}\n`);
}
