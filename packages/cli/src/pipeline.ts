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

export const SERVICES = ['collector', 'ingest'] as const;
export type ServiceName = (typeof SERVICES)[number];

export interface Pipeline {
  collector?: Collector;
  ingest?: Ingest;
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
 * before ingest drains them.
 */
export async function startPipeline(options: PipelineOptions): Promise<Pipeline> {
  const config = { collector: collectorConfigFromEnv(options.env), ingest: ingestConfigFromEnv(options.env) };
  const logger = options.logger ?? createLogger({ service: 'pulse', level: config.ingest.logLevel });
  const wants = (s: ServiceName) => options.services.includes(s);
  const clickhouse = wants('ingest') ? createClickHouse(config.ingest.clickhouse) : undefined;
  const ingest = wants('ingest')
    ? await startIngest(config.ingest, {
        logger: logger.child({ service: 'ingest' }),
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
      ['clickhouse', () => clickhouse?.close()],
    ],
    logger,
  );
  return {
    ...(collector ? { collector } : {}),
    ...(ingest ? { ingest } : {}),
    ...(clickhouse ? { clickhouse } : {}),
    config,
    close,
  };
}
