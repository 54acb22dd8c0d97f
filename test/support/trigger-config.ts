import type { TriggerConfig } from '@pulse/trigger';
import { BROKERS } from './ids.js';

export const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

/**
 * A trigger configuration for a test run in this process: ephemeral ports, the run's topic and queue
 * prefix, its own ClickHouse database on the shared client, short retries and flushes.
 */
export function triggerTestConfig(
  prefix: string,
  database: string,
  overrides: Partial<TriggerConfig> = {},
): TriggerConfig {
  return {
    logLevel: 'warn',
    metricsPort: 0,
    api: { host: '127.0.0.1', port: 0 },
    kafka: {
      brokers: BROKERS,
      clientId: 'trigger-test',
      topicPrefix: prefix,
      groupId: `${prefix}-trigger`,
      fromBeginning: true,
      sessionTimeoutMs: 10_000,
      fetchMinBytes: 65_536,
      commitIntervalMs: 1000,
    },
    redisUrl: REDIS_URL,
    queuePrefix: prefix,
    queueName: 'trigger',
    campaignsDir: 'unused: campaigns are given',
    webhook: { timeoutMs: 2000, attempts: 3, backoffMs: 50 },
    dailyCap: 0,
    defaultTimeZone: 'UTC',
    concurrency: 4,
    lockDurationMs: 30_000,
    keepJobsHours: 1,
    maxLatenessHours: 24,
    clickhouse: { database, chdbPath: 'unused: the client is shared' },
    decisionFlushMs: 100,
    ...overrides,
  };
}
