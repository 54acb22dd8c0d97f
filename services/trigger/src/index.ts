import { type ClickHouseClient, createClickHouse, migrate } from '@pulse/clickhouse';
import {
  createConsumerLagMetrics,
  createLogger,
  createMetricsRegistry,
  type Logger,
  onceClose,
  registerQueueDepths,
  startOpsServer,
} from '@pulse/common';
import { ConsumerLagMonitor, createKafka, ensureTopics, topicCatalogue, topicNames } from '@pulse/kafka';
import { Queue, type Worker } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import type { Registry } from 'prom-client';
import { buildCampaignApi } from './api/server.js';
import type { RecommendationSource, SegmentMembership } from './audience/providers.js';
import { CampaignUnsupportedError } from './campaigns/errors.js';
import { loadCampaignDir } from './campaigns/load.js';
import { CampaignRegistry } from './campaigns/registry.js';
import type { Campaign } from './campaigns/schema.js';
import { StoredCampaigns } from './campaigns/stored-campaigns.js';
import type { TriggerConfig } from './config.js';
import { type DecisionSink, RedisClickHouseDecisions } from './execution/decisions.js';
import { DeliveryLanes } from './execution/delivery-lanes.js';
import { EventConsumer } from './execution/event-consumer.js';
import { FrequencyCaps } from './execution/frequency-caps.js';
import type { DeliveryJob, OccasionJob } from './execution/jobs.js';
import { startOccasionWorker } from './execution/occasion-worker.js';
import { PersonStore } from './execution/person-store.js';
import { createTriggerMetrics } from './metrics.js';
import { triggerReadiness } from './readiness.js';

export type { RecommendationSource, SegmentChange, SegmentMembership } from './audience/providers.js';
export { CampaignInvalidError, CampaignUnsupportedError } from './campaigns/errors.js';
export { loadCampaignDir } from './campaigns/load.js';
export { deliveryQueueName } from './campaigns/registry.js';
export { type Campaign, isLive, parseCampaign } from './campaigns/schema.js';
export { ID_HEADER, SIGNATURE_HEADER, signPayload, verifySignature } from './channels/signature.js';
export { type TriggerConfig, triggerConfigFromEnv } from './config.js';
export { type Decision, OUTCOMES, type Outcome } from './execution/decisions.js';
export { type DeliveryJob, type OccasionJob, occasionJobId } from './execution/jobs.js';
export { startWebhookReceiver, type WebhookReceiver } from './receiver/receiver.js';
export { deleteRedisPrefix } from './redis-keys.js';
export { inHoldout, pickVariant } from './rules/stable-hash.js';

export interface Trigger {
  registry: Registry;
  /** Measures the group's lag (pulse_kafka_consumer_lag) and whether it keeps up. */
  lag: ConsumerLagMonitor;
  campaigns: CampaignRegistry;
  people: PersonStore;
  occasionQueue: Queue<OccasionJob>;
  deliveryQueues: ReadonlyMap<string, Queue<DeliveryJob>>;
  decisions: DecisionSink;
  /** The campaign API (for `inject()` in tests); `apiUrl` when it listens. */
  api: FastifyInstance;
  apiUrl: string | undefined;
  metricsPort: number | undefined;
  close(): Promise<void>;
}

export interface TriggerDeps {
  logger?: Logger;
  registry?: Registry;
  /** A shared client (one process owns an embedded chdb data directory). */
  clickhouse?: ClickHouseClient;
  /** Campaigns to run instead of reading config.campaignsDir. */
  campaigns?: Campaign[];
  segments?: SegmentMembership;
  recommendations?: RecommendationSource;
  /** Serve /metrics, /healthz, /readyz on config.metricsPort (default true). */
  opsServer?: boolean;
  /** Listen with the campaign API on config.api (default true; `api.inject()` works either way). */
  apiServer?: boolean;
  now?: () => number;
}

/** Refuses campaigns this installation cannot run, instead of letting them silently never fire. */
function checkSupported(c: Campaign, config: TriggerConfig, deps: TriggerDeps): void {
  if (c.audience.segments.length > 0 && !deps.segments) {
    throw new CampaignUnsupportedError(
      c.id,
      'audience.segments needs segment membership, which is not available yet',
    );
  }
  if (c.channel.type === 'webhook' && !config.webhook.secret) {
    throw new CampaignUnsupportedError(
      c.id,
      'a webhook channel needs TRIGGER_WEBHOOK_SECRET to sign its payloads',
    );
  }
  if (JSON.stringify(c.variants).includes('{{recommendations') && !deps.recommendations) {
    throw new CampaignUnsupportedError(
      c.id,
      'the template uses recommendations, which are not available yet',
    );
  }
}

/**
 * Starts the trigger service: events topic → occasion jobs (deterministic
 * ids) → decisions (suppression, audience, caps, holdout, variant, quiet
 * hours) → one delivery queue per channel endpoint → ClickHouse decisions.
 * Closing stops consuming first, then lets workers finish their jobs, then
 * closes queues, Redis and the decision buffer.
 */
export async function start(config: TriggerConfig, deps: TriggerDeps = {}): Promise<Trigger> {
  const logger = deps.logger ?? createLogger({ service: 'trigger', level: config.logLevel });
  const registry = deps.registry ?? createMetricsRegistry('trigger');
  const metrics = createTriggerMetrics(registry);
  const now = deps.now ?? Date.now;
  const fromFiles = deps.campaigns ?? (await loadCampaignDir(config.campaignsDir));

  const ownsClickHouse = deps.clickhouse === undefined;
  const clickhouse = deps.clickhouse ?? createClickHouse(config.clickhouse);
  await migrate(clickhouse, config.clickhouse.database);
  // BullMQ needs maxRetriesPerRequest null: its blocking commands must wait out a Redis restart.
  const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: null });
  const ns = `${config.queuePrefix}:${config.queueName}:state`;
  const people = new PersonStore(redis, ns);
  const caps = new FrequencyCaps(redis, ns);
  const stored = new StoredCampaigns(redis, `${ns}:campaigns`);
  const campaigns = new CampaignRegistry(fromFiles);
  for (const c of await stored.load()) campaigns.set(c);
  for (const c of campaigns.list()) checkSupported(c, config, deps);
  const decisions = new RedisClickHouseDecisions({
    redis,
    stream: `${ns}:decisions`,
    clickhouse,
    table: `${config.clickhouse.database}.trigger_decisions`,
    logger,
    flushIntervalMs: config.decisionFlushMs,
    metrics: metrics.decisions,
  });
  const keepSeconds = config.keepJobsHours * 3600;
  const lanes = new DeliveryLanes({ config, redis, decisions, metrics, logger, now });
  for (const c of campaigns.list()) lanes.ensure(c);
  const occasionQueue = new Queue<OccasionJob>(`${config.queueName}-occasions`, {
    connection: redis,
    prefix: config.queuePrefix,
  });
  const workers: Worker[] = [];
  workers.push(
    startOccasionWorker({
      queueName: occasionQueue.name,
      prefix: config.queuePrefix,
      connection: redis,
      concurrency: config.concurrency,
      lockDurationMs: config.lockDurationMs,
      decide: {
        campaigns,
        people,
        caps,
        ...(deps.segments ? { segments: deps.segments } : {}),
        dailyCap: config.dailyCap,
        defaultTimeZone: config.defaultTimeZone,
        now,
      },
      lanes,
      decisions,
      metrics,
      logger,
    }),
  );

  registerQueueDepths(registry, async () => {
    const entries = await Promise.all(
      [occasionQueue, ...lanes.queues.values()].map(
        async (q) => [q.name, await q.getJobCounts('waiting', 'active', 'delayed', 'failed')] as const,
      ),
    );
    return Object.fromEntries(entries);
  });

  const kafka = createKafka({ brokers: config.kafka.brokers, clientId: config.kafka.clientId }, logger);
  const topics = topicNames(config.kafka.topicPrefix);
  await ensureTopics(kafka, topicCatalogue(config.kafka.topicPrefix));
  const consumer = new EventConsumer({
    kafka,
    consumerConfig: {
      groupId: config.kafka.groupId,
      sessionTimeout: config.kafka.sessionTimeoutMs,
      heartbeatInterval: Math.min(3000, Math.floor(config.kafka.sessionTimeoutMs / 3)),
      maxWaitTimeInMs: 50,
      retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 300, maxRetryTime: 10_000 },
    },
    topic: topics.events,
    fromBeginning: config.kafka.fromBeginning,
    maxLatenessMs: config.maxLatenessHours * 3_600_000,
    queue: occasionQueue,
    jobOptions: {
      attempts: 10,
      backoff: { type: 'exponential', delay: 500, jitter: 0.5 },
      removeOnComplete: { age: keepSeconds },
      removeOnFail: { age: keepSeconds },
    },
    campaigns,
    people,
    logger,
    metrics,
    now,
  });
  await consumer.run();
  const lag = new ConsumerLagMonitor({
    kafka,
    groupId: config.kafka.groupId,
    topics: [topics.events],
    logger,
    metrics: createConsumerLagMetrics(registry),
    intervalMs: config.lagIntervalMs ?? 5000,
    windowMs: config.lagWindowMs ?? 60_000,
  });
  lag.start();

  const api = buildCampaignApi({
    campaigns,
    stored,
    lanes,
    people,
    checkSupported: (c) => checkSupported(c, config, deps),
    http: metrics.http,
  });
  const apiAddress =
    (deps.apiServer ?? true) ? await api.listen({ host: config.api.host, port: config.api.port }) : undefined;

  const ops =
    (deps.opsServer ?? true)
      ? await startOpsServer({
          port: config.metricsPort,
          registry,
          readiness: () => triggerReadiness({ consumer, redis, clickhouse, decisions, lag }),
        })
      : undefined;
  logger.info(
    {
      topic: topics.events,
      groupId: config.kafka.groupId,
      campaigns: campaigns.list().map((c) => c.id),
      metricsPort: ops?.port,
    },
    'trigger running',
  );

  const close = onceClose(
    [
      ['ops server', () => ops?.close()],
      ['campaign api', () => api.close()],
      ['events consumer', () => consumer.close()],
      ['lag monitor', () => lag.close()],
      ['occasion worker', async () => void (await Promise.all(workers.map((w) => w.close())))],
      ['delivery lanes', () => lanes.close()],
      ['occasion queue', () => occasionQueue.close()],
      ['decisions', () => decisions.close()],
      ['redis', async () => void (await redis.quit())],
      ['clickhouse', () => (ownsClickHouse ? clickhouse.close() : undefined)],
    ],
    logger,
  );
  return {
    registry,
    lag,
    campaigns,
    people,
    occasionQueue,
    deliveryQueues: lanes.queues,
    decisions,
    api,
    apiUrl: apiAddress,
    metricsPort: ops?.port,
    close,
  };
}
