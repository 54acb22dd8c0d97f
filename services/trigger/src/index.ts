import {
  type ClickHouseClient,
  createClickHouse,
  migrate,
  registerEmbeddedEngineMetrics,
} from '@pulse/clickhouse';
import {
  createLogger,
  createMetricsRegistry,
  type Logger,
  onceClose,
  registerQueueDepths,
  startOpsServer,
} from '@pulse/common';
import {
  type ConsumerLagMonitor,
  createKafka,
  ensureTopics,
  openRegulationLog,
  RegulationConsumer,
  topicCatalogue,
  topicNames,
} from '@pulse/kafka';
import { Queue, type Worker } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import type { Registry } from 'prom-client';
import { buildCampaignApi } from './api/server.js';
import type { RecommendationSource, SegmentMembership } from './audience/providers.js';
import { recommendationsClient } from './audience/recommendations-client.js';
import { SegmentStore } from './audience/segment-store.js';
import { loadCampaignDir } from './campaigns/load.js';
import { CampaignRegistry } from './campaigns/registry.js';
import type { Campaign } from './campaigns/schema.js';
import { StoredCampaigns } from './campaigns/stored-campaigns.js';
import { checkSupported } from './campaigns/supported.js';
import type { TriggerConfig } from './config.js';
import { type DecisionSink, RedisClickHouseDecisions } from './execution/decisions.js';
import { DeliveryLanes } from './execution/delivery-lanes.js';
import { FrequencyCaps } from './execution/frequency-caps.js';
import type { DeliveryJob, OccasionJob } from './execution/jobs.js';
import { startOccasionWorker } from './execution/occasion-worker.js';
import { PersonStore } from './execution/person-store.js';
import { startTopicConsumers } from './execution/topic-consumers.js';
import { createTriggerMetrics } from './metrics.js';
import { triggerRegulationPart } from './privacy/regulation-part.js';
import { triggerReadiness } from './readiness.js';

export type {
  RecommendationSource,
  RecommendedItem,
  SegmentChange,
  SegmentMembership,
} from './audience/providers.js';
export { SegmentStore } from './audience/segment-store.js';
export { CampaignInvalidError, CampaignUnsupportedError } from './campaigns/errors.js';
export { loadCampaignDir } from './campaigns/load.js';
export { deliveryQueueName } from './campaigns/registry.js';
export { type Campaign, isLive, parseCampaign } from './campaigns/schema.js';
export { type AddressKind, addressKind } from './channels/address-policy.js';
export { SmtpError, sendMail } from './channels/email/smtp-client.js';
export { PrivateAddressError, publicOnlyLookup } from './channels/public-lookup.js';
export { ID_HEADER, SIGNATURE_HEADER, signPayload, verifySignature } from './channels/signature.js';
export { type TriggerConfig, triggerConfigFromEnv } from './config.js';
export { type Decision, OUTCOMES, type Outcome } from './execution/decisions.js';
export { type DeliveryJob, type OccasionJob, occasionJobId } from './execution/jobs.js';
export { startWebhookReceiver, type WebhookReceiver } from './receiver/receiver.js';
export { deleteRedisPrefix, dumpRedisPrefix, type RedisEntry } from './redis-keys.js';
export { inHoldout, pickVariant } from './rules/stable-hash.js';

export interface Trigger {
  registry: Registry;
  /** Measures the group's lag (pulse_kafka_consumer_lag) and whether it keeps up. */
  lag: ConsumerLagMonitor;
  campaigns: CampaignRegistry;
  people: PersonStore;
  /** Membership kept from the segment-changes topic. */
  segments: SegmentStore;
  occasionQueue: Queue<OccasionJob>;
  deliveryQueues: ReadonlyMap<string, Queue<DeliveryJob>>;
  decisions: DecisionSink;
  /** The trigger's part of deletion requests (jobs, Redis state, trigger_decisions). */
  regulations: RegulationConsumer;
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
  /** Audience membership to use instead of the one kept from the segment-changes topic. */
  segments?: SegmentMembership;
  /** Recommendations to use instead of the client of config.recommendations. */
  recommendations?: RecommendationSource;
  /** Serve /metrics, /healthz, /readyz on config.metricsPort (default true). */
  opsServer?: boolean;
  /** Listen with the campaign API on config.api (default true; `api.inject()` works either way). */
  apiServer?: boolean;
  now?: () => number;
}

/**
 * Starts the trigger service: events and segment-changes topics → occasion
 * jobs (deterministic ids) → decisions (suppression, audience, caps, holdout, variant, quiet
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
  const recommendations =
    deps.recommendations ??
    (config.recommendations
      ? recommendationsClient(config.recommendations, {
          logger,
          count: (outcome) => metrics.recommendations.inc({ outcome }),
        })
      : undefined);
  const supported = (c: Campaign) =>
    checkSupported(c, config, { recommendations: recommendations !== undefined });
  // Before any connection opens: a refused campaign file leaves nothing to close.
  for (const c of fromFiles) supported(c);

  const ownsClickHouse = deps.clickhouse === undefined;
  const clickhouse = deps.clickhouse ?? createClickHouse(config.clickhouse);
  registerEmbeddedEngineMetrics(registry, clickhouse);
  // BullMQ needs maxRetriesPerRequest null: its blocking commands must wait out a Redis restart.
  const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: null });
  // Pulse's own state (people, caps, segments, decisions) on a second connection: its pipelines do not
  // copy BullMQ's forty-odd scripts each time they are made, and the events consumer's batches do not
  // queue on the socket ahead of the workers' job moves.
  const state = new Redis(config.redisUrl, { maxRetriesPerRequest: null });
  // BullMQ listens for its connection's errors; this one is Pulse's to report. ioredis repeats the
  // same error at every reconnect attempt: one line per distinct error until it is ready again.
  let stateError = '';
  state.on('error', (err: Error) => {
    if (err.message !== stateError)
      logger.warn({ err: err.message }, 'Redis (trigger state) unreachable, reconnecting');
    stateError = err.message;
  });
  state.on('ready', () => {
    stateError = '';
  });
  const ns = `${config.queuePrefix}:${config.queueName}:state`;
  const stored = new StoredCampaigns(state, `${ns}:campaigns`);
  const campaigns = new CampaignRegistry(fromFiles);
  try {
    await migrate(clickhouse, config.clickhouse.database);
    for (const c of await stored.load()) {
      supported(c);
      campaigns.set(c);
    }
  } catch (err) {
    redis.disconnect();
    state.disconnect();
    if (ownsClickHouse) await clickhouse.close();
    throw err;
  }
  const people = new PersonStore(state, ns);
  const caps = new FrequencyCaps(state, ns);
  const segments = new SegmentStore(state, ns);
  const decisions = new RedisClickHouseDecisions({
    redis: state,
    stream: `${ns}:decisions`,
    clickhouse,
    table: `${config.clickhouse.database}.trigger_decisions`,
    logger,
    flushIntervalMs: config.decisionFlushMs,
    metrics: metrics.decisions,
  });
  const lanes = new DeliveryLanes({
    config,
    redis,
    decisions,
    metrics,
    logger,
    now,
    ...(recommendations ? { recommendations } : {}),
  });
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
        segments: deps.segments ?? segments,
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

  // Read whole before the consumers start: a deleted or suppressed person's input is ignored from the first record.
  const kafka = createKafka({ brokers: config.kafka.brokers, clientId: config.kafka.clientId }, logger);
  const topics = topicNames(config.kafka.topicPrefix);
  await ensureTopics(kafka, topicCatalogue(config.kafka.topicPrefix));
  const regulationLog = await openRegulationLog({
    kafka,
    topicPrefix: config.kafka.topicPrefix,
    clientId: config.kafka.clientId,
    maxSubjects: config.regulations?.maxSubjects,
    logger,
  });

  const inputs = await startTopicConsumers({
    config,
    logger,
    registry,
    metrics,
    queue: occasionQueue,
    campaigns,
    people,
    segments,
    now,
    regulated: (person, receivedAt) => regulationLog.state.blocks(person, receivedAt),
  });
  const { lag, segmentLag } = inputs;
  const regulations = new RegulationConsumer({
    kafka,
    topic: topics.regulations,
    groupId: config.regulations?.groupId ?? `${config.kafka.groupId}-regulations`,
    log: regulationLog,
    logger,
    handle: triggerRegulationPart({
      redis,
      queues: () => [occasionQueue, ...lanes.queues.values()],
      people,
      segments,
      caps,
      campaigns,
      decisions,
      clickhouse,
      database: config.clickhouse.database,
      logger,
    }),
  });
  await regulations.run();

  const api = buildCampaignApi({
    campaigns,
    stored,
    lanes,
    people,
    segments,
    checkSupported: supported,
    ...(config.api.key ? { apiKey: config.api.key } : {}),
    http: metrics.http,
  });
  const apiAddress =
    (deps.apiServer ?? true) ? await api.listen({ host: config.api.host, port: config.api.port }) : undefined;

  const ops =
    (deps.opsServer ?? true)
      ? await startOpsServer({
          port: config.metricsPort,
          registry,
          readiness: () =>
            triggerReadiness({
              consumer: inputs.events,
              segmentConsumer: inputs.segments,
              redis,
              state,
              clickhouse,
              decisions,
              lag,
              segmentLag,
              regulations: {
                lastError: regulations.lastError,
                health: () => regulationLog.health(),
              },
            }),
        })
      : undefined;
  logger.info(
    {
      topics: inputs.topics,
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
      ['events consumer', () => inputs.events.close()],
      ['segment-changes consumer', () => inputs.segments.close()],
      ['regulations', () => regulations.close()],
      ['regulation log', () => regulationLog.close()],
      ['lag monitor', () => lag.close()],
      ['segment lag monitor', () => segmentLag.close()],
      ['occasion worker', async () => void (await Promise.all(workers.map((w) => w.close())))],
      ['delivery lanes', () => lanes.close()],
      ['occasion queue', () => occasionQueue.close()],
      ['decisions', () => decisions.close()],
      ['redis', async () => void (await Promise.all([redis.quit(), state.quit()]))],
      ['clickhouse', () => (ownsClickHouse ? clickhouse.close() : undefined)],
    ],
    logger,
  );
  return {
    registry,
    lag,
    campaigns,
    people,
    segments,
    occasionQueue,
    deliveryQueues: lanes.queues,
    decisions,
    regulations,
    api,
    apiUrl: apiAddress,
    metricsPort: ops?.port,
    close,
  };
}
