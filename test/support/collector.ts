import { type CollectorConfig, start } from '@pulse/collector';
import { LIMITS } from '@pulse/events';
import { BROKERS } from './ids.js';

export const WRITE_KEY = 'test-write-key';

export function collectorTestConfig(
  topicPrefix: string,
  overrides: Partial<CollectorConfig> = {},
): CollectorConfig {
  return {
    host: '127.0.0.1',
    port: 0,
    logLevel: 'warn',
    writeKeys: [{ key: WRITE_KEY, sourceId: 'test-source' }],
    kafka: {
      brokers: BROKERS,
      clientId: 'pulse-collector-test',
      topicPrefix,
      sendTimeoutMs: 5000,
      maxPendingBytes: 64 << 20,
    },
    limits: {
      maxEventBytes: LIMITS.maxEventBytes,
      maxBatchBytes: LIMITS.maxBatchBytes,
      maxDecompressedBytes: LIMITS.maxBatchBytes * 4,
    },
    corsOrigins: ['*'],
    ensureTopics: true,
    ...overrides,
  };
}

export function startTestCollector(topicPrefix: string, overrides: Partial<CollectorConfig> = {}) {
  return start(collectorTestConfig(topicPrefix, overrides));
}

export function basicAuth(key = WRITE_KEY): string {
  return `Basic ${Buffer.from(`${key}:`).toString('base64')}`;
}
