import type { IngestConfig } from '@pulse/ingest';
import { BROKERS } from './ids.js';

export function ingestTestConfig(
  topicPrefix: string,
  opts: { database: string; chdbPath: string; groupId?: string; brokers?: string[] } & Partial<IngestConfig>,
): IngestConfig {
  const { database, chdbPath, groupId, brokers, ...rest } = opts;
  return {
    logLevel: 'warn',
    metricsPort: 0,
    kafka: {
      brokers: brokers ?? BROKERS,
      clientId: 'pulse-ingest-test',
      topicPrefix,
      groupId: groupId ?? `${topicPrefix}-ingest`,
    },
    clickhouse: { database, chdbPath },
    batchRows: 10_000,
    flushIntervalMs: 1000,
    dedupWindow: 1_000_000,
    ...rest,
  };
}
