import { createLogger, createMetricsRegistry, type Logger, onceClose } from '@pulse/common';
import { BatchingProducer, createKafka, ensureTopics, topicCatalogue, topicNames } from '@pulse/kafka';
import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { CollectorConfig } from './config.js';
import { createCollectorMetrics } from './metrics.js';
import type { Rejection } from './prepare.js';
import { producerReadiness } from './readiness.js';
import { buildCollectorServer } from './server.js';
import { WriteKeyStore } from './write-keys.js';

export { type CollectorConfig, collectorConfigFromEnv, type WriteKey } from './config.js';
export { prepareEvents, type Rejection } from './prepare.js';
export { buildCollectorServer, ENDPOINTS, type EventSink } from './server.js';

export interface Collector {
  app: FastifyInstance;
  port: number;
  url: string;
  registry: Registry;
  producer: BatchingProducer;
  close(): Promise<void>;
}

export interface CollectorDeps {
  logger?: Logger;
  registry?: Registry;
  onRejected?: (rejections: Rejection[]) => void;
}

/**
 * Starts the collector: connects the Kafka producer, then listens. Closing
 * stops taking requests (503 while closing), lets the ones in flight finish
 * and waits for Kafka to acknowledge them before disconnecting.
 */
export async function start(config: CollectorConfig, deps: CollectorDeps = {}): Promise<Collector> {
  const logger =
    deps.logger ??
    createLogger({
      service: 'collector',
      level: config.logLevel,
      ...(config.personalTraits ? { personalTraits: config.personalTraits } : {}),
    });
  const registry = deps.registry ?? createMetricsRegistry('collector');
  const kafka = createKafka({ brokers: config.kafka.brokers, clientId: config.kafka.clientId }, logger);
  const topics = topicNames(config.kafka.topicPrefix);
  if (config.ensureTopics) await ensureTopics(kafka, topicCatalogue(config.kafka.topicPrefix));

  const producer = new BatchingProducer({
    kafka,
    logger,
    maxPendingBytes: config.kafka.maxPendingBytes,
    maxBatchMessages: 10_000,
    sendTimeoutMs: config.kafka.sendTimeoutMs,
    onFlush: ({ messages, seconds, ok }) => {
      metrics.produceDuration.observe({ outcome: ok ? 'ok' : 'error' }, seconds);
      metrics.produceBatchMessages.observe(messages);
    },
  });
  const metrics = createCollectorMetrics(registry, () => producer.status.pendingBytes);
  await producer.connect();

  const app = await buildCollectorServer({
    config,
    topic: topics.events,
    sink: producer,
    keys: new WriteKeyStore(config.writeKeys),
    logger,
    metrics,
    registry,
    ...(deps.onRejected ? { onRejected: deps.onRejected } : {}),
    readiness: () => producerReadiness(producer.status, config.kafka.maxPendingBytes),
  });
  await app.listen({ host: config.host, port: config.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const host = config.host === '0.0.0.0' ? '127.0.0.1' : config.host;
  logger.info({ port, topic: topics.events }, 'collector listening');

  const close = onceClose(
    [
      ['http', () => app.close()],
      ['kafka producer', () => producer.close()],
    ],
    logger,
  );
  return { app, port, url: `http://${host}:${port}`, registry, producer, close };
}
