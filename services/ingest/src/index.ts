import {
  type ClickHouseClient,
  createClickHouse,
  migrate,
  registerEmbeddedEngineMetrics,
} from '@pulse/clickhouse';
import {
  createConsumerLagMetrics,
  createLogger,
  createMetricsRegistry,
  type Logger,
  onceClose,
  startOpsServer,
} from '@pulse/common';
import {
  BatchingProducer,
  ConsumerLagMonitor,
  createKafka,
  ensureTopics,
  openRegulationLog,
  RegulationConsumer,
  topicCatalogue,
  topicNames,
} from '@pulse/kafka';
import type { Registry } from 'prom-client';
import type { IngestConfig } from './config.js';
import { clickhouseEventInserter, type EventInserter } from './event-inserter.js';
import { IngestConsumer } from './ingest-consumer.js';
import { createIngestMetrics } from './metrics.js';
import { ingestReadiness } from './readiness.js';
import { ingestRegulationPart } from './regulation-part.js';

export { classifyRecord } from './classify.js';
export { type IngestConfig, ingestConfigFromEnv } from './config.js';
export {
  clickhouseEventInserter,
  type EventInserter,
  InsertUnavailableError,
  RowsRejectedError,
} from './event-inserter.js';

export interface Ingest {
  registry: Registry;
  consumer: IngestConsumer;
  /** Ingest's part of deletion requests (events and order_items rows). */
  regulations: RegulationConsumer;
  /** Measures the group's lag (pulse_kafka_consumer_lag) and whether it keeps up. */
  lag: ConsumerLagMonitor;
  metricsPort: number | undefined;
  close(): Promise<void>;
}

export interface IngestDeps {
  logger?: Logger;
  registry?: Registry;
  /** A shared client; in embedded mode one process owns the chdb data directory. */
  clickhouse?: ClickHouseClient;
  /** Wraps the inserter, e.g. to inject failures in fault tests. */
  wrapInserter?: (inserter: EventInserter) => EventInserter;
  /** Serve /metrics, /healthz, /readyz on config.metricsPort (default true). */
  opsServer?: boolean;
}

/**
 * Starts ingest: applies the ClickHouse migrations, then consumes the events
 * topic into the events table. Closing stops fetching, inserts and commits
 * what was consumed, and leaves the consumer group.
 */
export async function start(config: IngestConfig, deps: IngestDeps = {}): Promise<Ingest> {
  const logger =
    deps.logger ??
    createLogger({
      service: 'ingest',
      level: config.logLevel,
      ...(config.personalTraits ? { personalTraits: config.personalTraits } : {}),
    });
  const registry = deps.registry ?? createMetricsRegistry('ingest');
  const metrics = createIngestMetrics(registry);
  const ownsClickHouse = deps.clickhouse === undefined;
  const clickhouse = deps.clickhouse ?? createClickHouse(config.clickhouse);
  registerEmbeddedEngineMetrics(registry, clickhouse);
  const { applied } = await migrate(clickhouse, config.clickhouse.database);
  if (applied.length > 0) logger.info({ applied }, 'ClickHouse migrations applied');

  const kafka = createKafka({ brokers: config.kafka.brokers, clientId: config.kafka.clientId }, logger);
  const topics = topicNames(config.kafka.topicPrefix);
  await ensureTopics(kafka, topicCatalogue(config.kafka.topicPrefix));
  const producer = new BatchingProducer({
    kafka,
    logger,
    maxPendingBytes: 256 * 1024 * 1024,
    maxBatchMessages: 10_000,
    sendTimeoutMs: 10_000,
  });
  await producer.connect();
  // Read whole before consuming: an event of a deleted or suppressed person is never stored again.
  const regulationLog = await openRegulationLog({
    kafka,
    topicPrefix: config.kafka.topicPrefix,
    clientId: config.kafka.clientId,
    maxSubjects: config.regulations?.maxSubjects,
    logger,
  });

  const base = clickhouseEventInserter(clickhouse, `${config.clickhouse.database}.events`);
  const consumer = new IngestConsumer({
    consumer: kafka.consumer({
      groupId: config.kafka.groupId,
      sessionTimeout: 30_000,
      heartbeatInterval: 3000,
      maxBytes: 16 * 1024 * 1024,
      maxBytesPerPartition: 4 * 1024 * 1024,
      minBytes: config.fetchMinBytes ?? 256 * 1024,
      maxWaitTimeInMs: config.fetchMaxWaitMs ?? 250,
      retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 300, maxRetryTime: 10_000 },
    }),
    topic: topics.events,
    deadLetterTopic: topics.deadLetters,
    producer,
    inserter: deps.wrapInserter ? deps.wrapInserter(base) : base,
    logger,
    metrics,
    batchRows: config.batchRows,
    flushIntervalMs: config.flushIntervalMs,
    dedupWindow: config.dedupWindow,
    regulated: (userKey, receivedAt) => regulationLog.state.blocks(userKey, receivedAt),
  });
  await consumer.run();
  const regulations = new RegulationConsumer({
    kafka,
    topic: topics.regulations,
    groupId: config.regulations?.groupId ?? `${config.kafka.groupId}-regulations`,
    log: regulationLog,
    logger,
    handle: ingestRegulationPart({
      clickhouse,
      database: config.clickhouse.database,
      producer,
      regulationsTopic: topics.regulations,
      flush: () => consumer.flush(),
      // A batch fills for up to flushIntervalMs, then its insert may be retried: twice that and a second.
      settleMs: config.flushIntervalMs * 2 + 1000,
      logger,
    }),
  });
  await regulations.run();

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

  const ops =
    (deps.opsServer ?? true)
      ? await startOpsServer({
          port: config.metricsPort,
          registry,
          readiness: () =>
            ingestReadiness({
              consumer,
              clickhouse,
              producer,
              lag,
              regulations: {
                lastError: regulations.lastError,
                health: () => regulationLog.health(),
              },
            }),
        })
      : undefined;
  logger.info(
    { topic: topics.events, groupId: config.kafka.groupId, metricsPort: ops?.port },
    'ingest running',
  );

  const close = onceClose(
    [
      ['ops server', () => ops?.close()],
      ['lag monitor', () => lag.close()],
      ['regulations', () => regulations.close()],
      ['regulation log', () => regulationLog.close()],
      ['consumer', () => consumer.close()],
      ['dead-letter producer', () => producer.close()],
      ['clickhouse', () => (ownsClickHouse ? clickhouse.close() : undefined)],
    ],
    logger,
  );
  return { registry, consumer, regulations, lag, metricsPort: ops?.port, close };
}
