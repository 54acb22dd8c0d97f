import { createLogger, createMetricsRegistry, type Logger, onceClose } from '@pulse/common';
import {
  BatchingProducer,
  createKafka,
  ensureTopics,
  openRegulationLog,
  topicCatalogue,
  topicNames,
} from '@pulse/kafka';
import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { CollectorConfig } from './config.js';
import { type KeysFileEntry, KeysFileError, parseKeysFile, readKeysFileText } from './keys-file.js';
import { type KeysFileWatch, summary, watchKeysFile } from './keys-reload.js';
import { createCollectorMetrics } from './metrics.js';
import type { Rejection } from './prepare.js';
import { SourceRateLimiter } from './rate-limit.js';
import { producerReadiness } from './readiness.js';
import { buildCollectorServer } from './server.js';
import { WriteKeyStore } from './write-keys.js';

export { type CollectorConfig, collectorConfigFromEnv, type WriteKey } from './config.js';
export {
  addKey,
  generateWriteKey,
  type KeysFileEntry,
  KeysFileError,
  parseKeysFile,
  readKeysFileText,
  revokeKeys,
  writeKeysFile,
} from './keys-file.js';
export { prepareEvents, type Rejection } from './prepare.js';
export type { ConsentPolicy, PrivacyPolicy } from './privacy.js';
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
  // Read before anything connects: a missing or broken keys file stops the start with its reason.
  const keysFile = config.writeKeysFile ? await loadKeys(config.writeKeysFile.path) : undefined;
  const keys = new WriteKeyStore(config.writeKeys, keysFile?.entries);
  if (keysFile)
    logger.info({ path: config.writeKeysFile?.path, ...summary(keysFile.entries) }, 'write keys file read');
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
  // Read whole before the collector listens: a suppressed user's events are refused from the first request.
  const regulations = await openRegulationLog({
    kafka,
    topicPrefix: config.kafka.topicPrefix,
    clientId: config.kafka.clientId,
    maxSubjects: config.regulations?.maxSubjects,
    logger,
  }).catch(async (err: unknown) => {
    await producer.close().catch(() => undefined);
    throw err;
  });

  const app = await buildCollectorServer({
    config,
    topic: topics.events,
    sink: producer,
    keys,
    logger,
    metrics,
    registry,
    // With a keys file a key can set its own rate even when the default is off (0).
    ...(config.rateLimitPerSource || config.writeKeysFile
      ? { rateLimiter: new SourceRateLimiter(config.rateLimitPerSource ?? 0) }
      : {}),
    ...(config.privacy ? { privacy: config.privacy } : {}),
    ...(deps.onRejected ? { onRejected: deps.onRejected } : {}),
    readiness: () => {
      const ready = producerReadiness(producer.status, config.kafka.maxPendingBytes);
      const reasons = [...ready.reasons, ...regulations.health()];
      return { ready: reasons.length === 0, reasons };
    },
    regulations: {
      adminKey: config.adminKey,
      topic: topics.regulations,
      isSuppressed: (userKey) => regulations.state.isSuppressed(userKey),
      catchUp: () => regulations.catchUp(),
    },
  });
  await app.listen({ host: config.host, port: config.port });
  let watch: KeysFileWatch | undefined;
  if (config.writeKeysFile && keysFile) {
    watch = watchKeysFile(config.writeKeysFile.path, keys, {
      intervalMs: config.writeKeysFile.reloadMs,
      logger,
      loadedText: keysFile.text,
    });
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const host = config.host === '0.0.0.0' ? '127.0.0.1' : config.host;
  logger.info({ port, topic: topics.events }, 'collector listening');

  const close = onceClose(
    [
      ['write keys file', () => watch?.stop()],
      ['http', () => app.close()],
      ['regulations', () => regulations.close()],
      ['kafka producer', () => producer.close()],
    ],
    logger,
  );
  return { app, port, url: `http://${host}:${port}`, registry, producer, close };
}

async function loadKeys(path: string): Promise<{ text: string; entries: KeysFileEntry[] }> {
  const text = await readKeysFileText(path);
  if (text === undefined) {
    throw new KeysFileError(
      `COLLECTOR_WRITE_KEYS_FILE: ${path} does not exist; create a key with: pnpm pulse keys create --source ID --file ${path}`,
    );
  }
  return { text, entries: parseKeysFile(text, path) };
}
