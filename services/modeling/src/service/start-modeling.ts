import { type ClickHouseClient, createClickHouse, migrate } from '@pulse/clickhouse';
import {
  ConfigError,
  createLogger,
  createMetricsRegistry,
  errorMessage,
  type Logger,
  onceClose,
} from '@pulse/common';
import {
  createKafka,
  ensureTopics,
  openRegulationLog,
  RegulationConsumer,
  topicCatalogue,
  topicNames,
} from '@pulse/kafka';
import type { Registry } from 'prom-client';
import type { ModelingConfig } from '../config.js';
import { RecsIncrementalModel } from '../recs/incremental.js';
import type { PredictionModelJson } from '../segments/predict/prediction-model.js';
import { SegmentsModel } from '../segments/segments-model.js';
import { type ModelingWorker, startModelingWorker } from '../worker/start-worker.js';
import { buildModelingApi } from './api-server.js';
import { modelingExclusion } from './event-exclusion.js';
import { createServiceMetrics } from './metrics.js';
import { RecentItemsModel } from './recent-items.js';
import { isServingModel, Recommender, type ServingModel } from './recommender.js';
import { modelingRegulationPart } from './regulation-part.js';
import { SegmentChangePublisher } from './segment-publisher.js';
import { SimilarityWriter } from './similarity-writer.js';

export interface ModelingService {
  registry: Registry;
  worker: ModelingWorker;
  recs: RecsIncrementalModel;
  people: RecentItemsModel;
  segments: SegmentsModel;
  recommender: Recommender;
  publisher: SegmentChangePublisher;
  similarity: SimilarityWriter;
  /** The service's part of deletion requests (forget, checkpoint, purge, segment_changes). */
  regulations: RegulationConsumer;
  /** Where the API listens (0 in config: a free port). */
  apiPort: number;
  metricsPort: number | undefined;
  /**
   * Installs a newly trained prediction model (trained offline or on a schedule): every customer's
   * predictions become traits now, and the segment changes they cause are published with the next
   * checkpoint. Returns how many changes it caused.
   */
  installPredictionModel(model: PredictionModelJson): number;
  close(): Promise<void>;
}

export interface ModelingServiceDeps {
  logger?: Logger;
  registry?: Registry;
  /** A shared client; in embedded mode one process owns the chdb data directory. */
  clickhouse?: ClickHouseClient;
  opsServer?: boolean;
}

/**
 * The modeling service: the worker keeps the recommendation and segment models up to date from the
 * events topic (exactly once across restarts), each checkpoint's segment changes are published to
 * ClickHouse and the segment-changes topic exactly once, item_similarity gets a new version on a
 * schedule, and the API answers from memory.
 */
export async function start(
  config: ModelingConfig,
  deps: ModelingServiceDeps = {},
): Promise<ModelingService> {
  const logger = deps.logger ?? createLogger({ service: 'modeling', level: config.logLevel });
  const registry = deps.registry ?? createMetricsRegistry('modeling');
  const ownsClickHouse = deps.clickhouse === undefined;
  const clickhouse = deps.clickhouse ?? createClickHouse(config.clickhouse);
  const db = config.clickhouse.database;
  await migrate(clickhouse, db);
  const kafka = createKafka({ brokers: config.kafka.brokers, clientId: config.kafka.clientId }, logger);
  await ensureTopics(kafka, topicCatalogue(config.kafka.topicPrefix));
  const topics = topicNames(config.kafka.topicPrefix);

  const recs = new RecsIncrementalModel(config.recs.model, config.recs.settings);
  const serving = (): ServingModel => {
    const model = recs.model;
    if (!isServingModel(model)) throw new ConfigError(`model ${model.name} has no item neighbours to serve`);
    return model;
  };
  serving();
  const people = new RecentItemsModel({ perPerson: 20, purchasedPerPerson: 500, people: config.recs.people });
  const segments = new SegmentsModel({
    rules: config.segments.rules,
    predictionModel: config.segments.predictionModel,
    // The worker drops repeated message ids before any model sees them (MODELING_DEDUP_WINDOW); a
    // second window of 100,000 ids here only made every checkpoint larger.
    dedupCapacity: 0,
  });
  const metrics = createServiceMetrics(registry, { segments, people, model: serving });

  const publisher = new SegmentChangePublisher({
    kafka,
    changesTopic: topics.segmentChanges,
    progressTopic: topics.segmentChangesProgress,
    worker: config.kafka.groupId,
    clickhouse,
    table: `${db}.segment_changes`,
    logger,
    published: metrics.published,
  });
  // Fences an older instance of this worker before anything is published.
  await publisher.start();

  // Read whole before the worker consumes: a deleted or suppressed person's events are never learned again.
  const regulationLog = await openRegulationLog({
    kafka,
    topicPrefix: config.kafka.topicPrefix,
    clientId: config.kafka.clientId,
    maxSubjects: config.regulations?.maxSubjects,
    logger,
  });
  let regulationsFailure: () => string | undefined = () => undefined;

  const worker = await startModelingWorker(config, {
    models: [recs, people, segments],
    logger,
    registry,
    clickhouse,
    kafka,
    ...(deps.opsServer === undefined ? {} : { opsServer: deps.opsServer }),
    exclude: modelingExclusion({
      consentCategory: config.consentCategory,
      regulated: (userKey, receivedAt) => regulationLog.state.blocks(userKey, receivedAt),
    }),
    readiness: () => {
      const failure = regulationsFailure();
      return [...(failure ? [failure] : []), ...regulationLog.health()];
    },
    afterCheckpoint: async () => {
      const durable = segments.lastSnapshotSeq;
      const out = await publisher.publish(segments.pendingChanges.filter((c) => c.seq <= durable));
      segments.acknowledge(out);
    },
  });

  // A restored state keeps the model it had; a different one in the configuration replaces it now.
  const configured = config.segments.predictionModel;
  if (configured && JSON.stringify(segments.segments.currentPredictionModel) !== JSON.stringify(configured)) {
    segments.setPredictionModel(configured, segments.segments.clock ?? Date.now());
    worker.consumer.markChanged();
  }

  const regulations = new RegulationConsumer({
    kafka,
    topic: topics.regulations,
    groupId: config.regulations?.groupId ?? `${config.kafka.groupId}-regulations`,
    log: regulationLog,
    logger,
    handle: modelingRegulationPart({
      consumer: worker.consumer,
      checkpoints: worker.checkpoints,
      clickhouse,
      database: db,
      logger,
    }),
  });
  regulationsFailure = () => regulations.lastError;
  await regulations.run();

  const similarity = new SimilarityWriter({
    clickhouse,
    database: db,
    model: serving,
    k: config.recs.similarityK,
    logger,
  });
  await similarity.init();
  const timers: NodeJS.Timeout[] = [];
  let writtenAt = -1;
  if (config.recs.similarityIntervalMs > 0) {
    timers.push(
      setInterval(() => {
        const events = worker.consumer.stats.events;
        if (events === writtenAt) return;
        similarity
          .write(events)
          .then((v) => {
            writtenAt = events;
            if (v) metrics.similarityVersions.inc();
          })
          .catch((err: unknown) =>
            logger.warn({ err: errorMessage(err) }, 'writing item_similarity failed; retried'),
          );
      }, config.recs.similarityIntervalMs),
    );
  }
  if (config.segments.tickIntervalMs > 0) {
    // While no event arrives, the segments' clock moves on by the wall-clock time passed, so windows
    // expire and recency grows; while events arrive, their times move it.
    let seenEvents = worker.consumer.stats.events;
    timers.push(
      setInterval(() => {
        const events = worker.consumer.stats.events;
        const clock = segments.segments.clock;
        if (
          events === seenEvents &&
          clock !== null &&
          segments.advanceTo(clock + config.segments.tickIntervalMs) > 0
        ) {
          worker.consumer.markChanged();
        }
        seenEvents = events;
      }, config.segments.tickIntervalMs),
    );
  }

  const recommender = new Recommender(serving, people, config.api.maxK);
  const api = buildModelingApi({
    recommender,
    segments,
    defaultK: config.api.defaultK,
    http: metrics.http,
    ...(config.api.apiKey ? { apiKey: config.api.apiKey } : {}),
  });
  await api.listen({ port: config.api.port, host: config.api.host });
  const address = api.server.address();
  const apiPort = typeof address === 'object' && address ? address.port : config.api.port;
  logger.info(
    { apiPort, metricsPort: worker.metricsPort, model: config.recs.model, groupId: config.kafka.groupId },
    'modeling running',
  );

  const close = onceClose(
    [
      ['api', () => api.close()],
      ['timers', () => timers.forEach(clearInterval)],
      ['regulations', () => regulations.close()],
      // The worker's close writes a last checkpoint, whose changes are published before it returns.
      ['worker', () => worker.close()],
      ['segment publisher', () => publisher.close()],
      ['regulation log', () => regulationLog.close()],
      ['clickhouse', () => (ownsClickHouse ? clickhouse.close() : undefined)],
    ],
    logger,
  );
  return {
    registry,
    worker,
    recs,
    people,
    segments,
    recommender,
    publisher,
    similarity,
    regulations,
    apiPort,
    metricsPort: worker.metricsPort,
    installPredictionModel(model) {
      const changes = segments.setPredictionModel(model, segments.segments.clock ?? Date.now());
      worker.consumer.markChanged();
      return changes;
    },
    close,
  };
}
