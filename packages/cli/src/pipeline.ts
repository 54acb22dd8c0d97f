import { type ClickHouseClient, createClickHouse } from '@pulse/clickhouse';
import type { Rejection } from '@pulse/collector';
import {
  type Collector,
  type CollectorConfig,
  collectorConfigFromEnv,
  start as startCollector,
} from '@pulse/collector';
import { createLogger, type Env, type Logger, onceClose } from '@pulse/common';
import { type Ingest, type IngestConfig, ingestConfigFromEnv, start as startIngest } from '@pulse/ingest';
import { type ModelingService, modelingConfigFromEnv, start as startModeling } from '@pulse/modeling';
import { start as startTrigger, type Trigger, triggerConfigFromEnv } from '@pulse/trigger';

export const SERVICES = ['collector', 'ingest', 'modeling', 'trigger'] as const;
export type ServiceName = (typeof SERVICES)[number];

export interface Pipeline {
  collector?: Collector;
  ingest?: Ingest;
  modeling?: ModelingService;
  trigger?: Trigger;
  clickhouse?: ClickHouseClient;
  config: { collector: CollectorConfig; ingest: IngestConfig };
  close(): Promise<void>;
}

export interface PipelineOptions {
  env: Env;
  services: readonly ServiceName[];
  logger?: Logger;
  onRejected?: (rejections: Rejection[]) => void;
}

/**
 * Runs the chosen services in this process. They share one ClickHouse
 * client, which the embedded engine requires (one process owns one data
 * directory), and stop in pipeline order: the collector stops taking events
 * before ingest drains them, the modeling worker checkpoints and publishes its
 * last segment changes, and the trigger finishes its jobs.
 */
export async function startPipeline(options: PipelineOptions): Promise<Pipeline> {
  const config = { collector: collectorConfigFromEnv(options.env), ingest: ingestConfigFromEnv(options.env) };
  const logger = options.logger ?? createLogger({ service: 'pulse', level: config.ingest.logLevel });
  const wants = (s: ServiceName) => options.services.includes(s);
  // Ingest's settings name the store; modeling and trigger write next to the events.
  const clickhouse =
    wants('ingest') || wants('modeling') || wants('trigger')
      ? createClickHouse(config.ingest.clickhouse)
      : undefined;
  const ingest = wants('ingest')
    ? await startIngest(config.ingest, {
        logger: logger.child({ service: 'ingest' }),
        ...(clickhouse ? { clickhouse } : {}),
      })
    : undefined;
  const modeling = wants('modeling')
    ? await startModeling(modelingConfigFromEnv(options.env), {
        logger: logger.child({ service: 'modeling' }),
        ...(clickhouse ? { clickhouse } : {}),
      })
    : undefined;
  const trigger = wants('trigger')
    ? await startTrigger(triggerConfigFromEnv(options.env), {
        logger: logger.child({ service: 'trigger' }),
        ...(clickhouse ? { clickhouse } : {}),
      })
    : undefined;
  const collector = wants('collector')
    ? await startCollector(config.collector, {
        logger: logger.child({ service: 'collector' }),
        ...(options.onRejected ? { onRejected: options.onRejected } : {}),
      })
    : undefined;
  const close = onceClose(
    [
      ['collector', () => collector?.close()],
      ['ingest', () => ingest?.close()],
      ['modeling', () => modeling?.close()],
      ['trigger', () => trigger?.close()],
      ['clickhouse', () => clickhouse?.close()],
    ],
    logger,
  );
  return {
    ...(collector ? { collector } : {}),
    ...(ingest ? { ingest } : {}),
    ...(modeling ? { modeling } : {}),
    ...(trigger ? { trigger } : {}),
    ...(clickhouse ? { clickhouse } : {}),
    config,
    close,
  };
}
