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
  errorMessage,
  type Logger,
  onceClose,
  type Readiness,
  startOpsServer,
} from '@pulse/common';
import { ConsumerLagMonitor, createKafka, ensureTopics, topicCatalogue, topicNames } from '@pulse/kafka';
import type { Kafka } from 'kafkajs';
import type { Registry } from 'prom-client';
import type { ModelingConfig } from '../config.js';
import { CheckpointStore } from './checkpoint-store.js';
import { createModelingMetrics } from './metrics.js';
import type { IncrementalModel } from './model.js';
import { ModelingConsumer, type ModelingConsumerOptions } from './modeling-consumer.js';

export interface ModelingWorker {
  registry: Registry;
  consumer: ModelingConsumer;
  /** Where checkpoints are kept (purged of old versions after a deletion request). */
  checkpoints: CheckpointStore;
  lag: ConsumerLagMonitor;
  metricsPort: number | undefined;
  close(): Promise<void>;
}

export interface ModelingDeps {
  /** The models to keep up to date (recommendations, segments, ...). */
  models: IncrementalModel[];
  logger?: Logger;
  registry?: Registry;
  /** A shared client; in embedded mode one process owns the chdb data directory. */
  clickhouse?: ClickHouseClient;
  kafka?: Kafka;
  opsServer?: boolean;
  /** See ModelingConsumerOptions.afterCheckpoint. */
  afterCheckpoint?: (version: number) => Promise<void>;
  /** See ModelingConsumerOptions.exclude. */
  exclude?: ModelingConsumerOptions['exclude'];
  /** More reasons not to be ready (the service's own parts). */
  readiness?: () => string[];
  lagIntervalMs?: number;
}

/**
 * Starts the modeling worker: restores the newest checkpoint, then applies
 * the events topic to the models. Closing writes a last checkpoint.
 */
export async function startModelingWorker(
  config: ModelingConfig,
  deps: ModelingDeps,
): Promise<ModelingWorker> {
  const logger = deps.logger ?? createLogger({ service: 'modeling', level: config.logLevel });
  const registry = deps.registry ?? createMetricsRegistry('modeling');
  const ownsClickHouse = deps.clickhouse === undefined;
  const clickhouse = deps.clickhouse ?? createClickHouse(config.clickhouse);
  registerEmbeddedEngineMetrics(registry, clickhouse);
  await migrate(clickhouse, config.clickhouse.database);
  const kafka =
    deps.kafka ?? createKafka({ brokers: config.kafka.brokers, clientId: config.kafka.clientId }, logger);
  await ensureTopics(kafka, topicCatalogue(config.kafka.topicPrefix));

  const metrics = createModelingMetrics(registry);
  const checkpoints = new CheckpointStore(
    clickhouse,
    `${config.clickhouse.database}.model_checkpoints`,
    config.kafka.groupId,
  );
  const consumer = new ModelingConsumer({
    consumer: kafka.consumer({ groupId: config.kafka.groupId, maxWaitTimeInMs: 100 }),
    topic: topicNames(config.kafka.topicPrefix).events,
    models: deps.models,
    store: checkpoints,
    logger,
    metrics,
    checkpointIntervalMs: config.checkpointIntervalMs,
    ...(deps.afterCheckpoint ? { afterCheckpoint: deps.afterCheckpoint } : {}),
    dedupWindow: config.dedupWindow,
    ...(deps.exclude ? { exclude: deps.exclude } : {}),
  });
  await consumer.run();
  const lag = new ConsumerLagMonitor({
    kafka,
    groupId: config.kafka.groupId,
    topics: [topicNames(config.kafka.topicPrefix).events],
    logger,
    metrics: createConsumerLagMetrics(registry),
    intervalMs: deps.lagIntervalMs ?? 5000,
    windowMs: 60_000,
  });
  lag.start();
  const ops =
    (deps.opsServer ?? true)
      ? await startOpsServer({
          port: config.metricsPort,
          registry,
          readiness: async (): Promise<Readiness> => {
            const reasons: string[] = [];
            const ping = await clickhouse.ping().catch((err: unknown) => ({ success: false, error: err }));
            if (!ping.success)
              reasons.push(`ClickHouse unreachable: ${errorMessage('error' in ping ? ping.error : '')}`);
            reasons.push(...lag.health().reasons, ...(deps.readiness?.() ?? []));
            return { ready: reasons.length === 0, reasons };
          },
        })
      : undefined;
  const close = onceClose(
    [
      ['ops server', () => ops?.close()],
      ['lag monitor', () => lag.close()],
      ['consumer', () => consumer.close()],
      ['clickhouse', () => (ownsClickHouse ? clickhouse.close() : undefined)],
    ],
    logger,
  );
  return { registry, consumer, checkpoints, lag, metricsPort: ops?.port, close };
}
