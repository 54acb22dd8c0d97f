import { type ClickHouseClient, createClickHouse, migrate } from '@pulse/clickhouse';
import { createLogger, createMetricsRegistry, type Logger, onceClose, startOpsServer } from '@pulse/common';
import { createKafka, ensureTopics, topicCatalogue, topicNames } from '@pulse/kafka';
import type { Registry } from 'prom-client';
import type { ModelingConfig } from '../config.js';
import { CheckpointStore } from './checkpoint-store.js';
import { createModelingMetrics } from './metrics.js';
import type { IncrementalModel } from './model.js';
import { ModelingConsumer } from './modeling-consumer.js';

export interface ModelingWorker {
  registry: Registry;
  consumer: ModelingConsumer;
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
  opsServer?: boolean;
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
  await migrate(clickhouse, config.clickhouse.database);
  const kafka = createKafka({ brokers: config.kafka.brokers, clientId: config.kafka.clientId }, logger);
  await ensureTopics(kafka, topicCatalogue(config.kafka.topicPrefix));

  const metrics = createModelingMetrics(registry);
  const consumer = new ModelingConsumer({
    consumer: kafka.consumer({ groupId: config.kafka.groupId, maxWaitTimeInMs: 100 }),
    topic: topicNames(config.kafka.topicPrefix).events,
    models: deps.models,
    store: new CheckpointStore(
      clickhouse,
      `${config.clickhouse.database}.model_checkpoints`,
      config.kafka.groupId,
    ),
    logger,
    metrics,
    checkpointIntervalMs: config.checkpointIntervalMs,
  });
  await consumer.run();
  const ops =
    (deps.opsServer ?? true)
      ? await startOpsServer({
          port: config.metricsPort,
          registry,
          readiness: async () => {
            const ping = await clickhouse.ping().catch(() => ({ success: false }));
            return ping.success
              ? { ready: true, reasons: [] }
              : { ready: false, reasons: ['ClickHouse unreachable'] };
          },
        })
      : undefined;
  const close = onceClose(
    [
      ['ops server', () => ops?.close()],
      ['consumer', () => consumer.close()],
      ['clickhouse', () => (ownsClickHouse ? clickhouse.close() : undefined)],
    ],
    logger,
  );
  return { registry, consumer, metricsPort: ops?.port, close };
}
