import { createConsumerLagMetrics, type Logger } from '@pulse/common';
import { ConsumerLagMonitor, createKafka, ensureTopics, topicCatalogue, topicNames } from '@pulse/kafka';
import type { JobsOptions, Queue } from 'bullmq';
import type { Registry } from 'prom-client';
import type { SegmentStore } from '../audience/segment-store.js';
import type { CampaignRegistry } from '../campaigns/registry.js';
import type { TriggerConfig } from '../config.js';
import type { TriggerMetrics } from '../metrics.js';
import { EventConsumer } from './event-consumer.js';
import type { OccasionJob } from './jobs.js';
import type { PersonStore } from './person-store.js';
import { SegmentConsumer } from './segment-consumer.js';

export interface TopicConsumers {
  events: EventConsumer;
  segments: SegmentConsumer;
  /** The events group's lag, exported as pulse_kafka_consumer_lag and judged for /readyz. */
  lag: ConsumerLagMonitor;
  /** The segment-changes group's lag, judged for /readyz. */
  segmentLag: ConsumerLagMonitor;
  topics: string[];
}

/**
 * The two Kafka inputs of the trigger service, each in its own consumer
 * group, both adding occasion jobs to the same queue: stored events, and
 * segment entries and exits. Each has a lag monitor.
 */
export async function startTopicConsumers(o: {
  config: TriggerConfig;
  logger: Logger;
  registry: Registry;
  metrics: TriggerMetrics;
  queue: Queue<OccasionJob>;
  campaigns: CampaignRegistry;
  people: PersonStore;
  segments: SegmentStore;
  now: () => number;
  /** Whether a person's input must be ignored (deleted or suppressed: RegulationState.blocks). */
  regulated?: (person: string, receivedAt: string | number) => boolean;
}): Promise<TopicConsumers> {
  const { config, logger } = o;
  const kafka = createKafka({ brokers: config.kafka.brokers, clientId: config.kafka.clientId }, logger);
  const topics = topicNames(config.kafka.topicPrefix);
  await ensureTopics(kafka, topicCatalogue(config.kafka.topicPrefix));
  const consumerConfig = (groupId: string) => ({
    groupId,
    sessionTimeout: config.kafka.sessionTimeoutMs,
    heartbeatInterval: Math.min(3000, Math.floor(config.kafka.sessionTimeoutMs / 3)),
    maxWaitTimeInMs: 50,
    retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 300, maxRetryTime: 10_000 },
  });
  const keepSeconds = config.keepJobsHours * 3600;
  const jobOptions: JobsOptions = {
    attempts: 10,
    backoff: { type: 'exponential', delay: 500, jitter: 0.5 },
    removeOnComplete: { age: keepSeconds },
    removeOnFail: { age: keepSeconds },
  };
  const shared = {
    kafka,
    commitIntervalMs: config.kafka.commitIntervalMs,
    maxLatenessMs: config.maxLatenessHours * 3_600_000,
    queue: o.queue,
    jobOptions,
    campaigns: o.campaigns,
    logger,
    metrics: o.metrics,
    now: o.now,
    ...(o.regulated ? { regulated: o.regulated } : {}),
  };
  const events = new EventConsumer({
    ...shared,
    consumerConfig: { ...consumerConfig(config.kafka.groupId), minBytes: config.kafka.fetchMinBytes },
    topic: topics.events,
    fromBeginning: config.kafka.fromBeginning,
    people: o.people,
  });
  const segmentsConfig = config.segments ?? {
    groupId: `${config.kafka.groupId}-segments`,
    fromBeginning: true,
  };
  const segments = new SegmentConsumer({
    ...shared,
    consumerConfig: consumerConfig(segmentsConfig.groupId),
    topic: topics.segmentChanges,
    fromBeginning: segmentsConfig.fromBeginning,
    segments: o.segments,
  });
  await events.run();
  await segments.run();

  const lagOptions = {
    kafka,
    logger,
    intervalMs: config.lagIntervalMs ?? 5000,
    windowMs: config.lagWindowMs ?? 60_000,
  };
  const lagMetrics = createConsumerLagMetrics(o.registry);
  const lag = new ConsumerLagMonitor({
    ...lagOptions,
    groupId: config.kafka.groupId,
    topics: [topics.events],
    metrics: lagMetrics,
  });
  const segmentLag = new ConsumerLagMonitor({
    ...lagOptions,
    groupId: segmentsConfig.groupId,
    topics: [topics.segmentChanges],
    metrics: lagMetrics,
  });
  lag.start();
  segmentLag.start();
  return { events, segments, lag, segmentLag, topics: [topics.events, topics.segmentChanges] };
}
