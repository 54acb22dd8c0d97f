import { ConfigError } from '@pulse/common';
import { LIMITS } from '@pulse/events';
import { describe, expect, it } from 'vitest';
import { collectorConfigFromEnv } from './config.js';

function configError(env: Record<string, string>): ConfigError {
  try {
    collectorConfigFromEnv(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('collectorConfigFromEnv', () => {
  it('has defaults for everything', () => {
    expect(collectorConfigFromEnv({})).toEqual({
      host: '0.0.0.0',
      port: 8080,
      logLevel: 'info',
      writeKeys: [{ key: 'pulse-demo-key', sourceId: 'demo' }],
      kafka: {
        brokers: ['127.0.0.1:9092'],
        clientId: 'pulse-collector',
        topicPrefix: 'pulse',
        sendTimeoutMs: 5000,
        maxPendingBytes: 64 * 1024 * 1024,
      },
      limits: {
        maxEventBytes: LIMITS.maxEventBytes,
        maxBatchBytes: LIMITS.maxBatchBytes,
        maxDecompressedBytes: LIMITS.maxBatchBytes * 4,
      },
      corsOrigins: ['*'],
      ensureTopics: true,
      personalTraits: [],
    });
  });

  it('reads the variables', () => {
    const config = collectorConfigFromEnv({
      COLLECTOR_PORT: '9000',
      PULSE_WRITE_KEYS: ' web-key:web , ios-key:ios ',
      KAFKA_BROKERS: 'k1:9092,k2:9092',
      KAFKA_TOPIC_PREFIX: 'staging',
      COLLECTOR_MAX_BATCH_BYTES: '100000',
      COLLECTOR_CORS_ORIGINS: 'https://a.example,https://b.example',
      PULSE_ENSURE_TOPICS: 'false',
      PULSE_PERSONAL_TRAITS: 'company,plan',
    });
    expect(config.port).toBe(9000);
    expect(config.writeKeys).toEqual([
      { key: 'web-key', sourceId: 'web' },
      { key: 'ios-key', sourceId: 'ios' },
    ]);
    expect(config.kafka.brokers).toEqual(['k1:9092', 'k2:9092']);
    expect(config.kafka.topicPrefix).toBe('staging');
    expect(config.limits).toMatchObject({ maxBatchBytes: 100_000, maxDecompressedBytes: 400_000 });
    expect(config.corsOrigins).toEqual(['https://a.example', 'https://b.example']);
    expect(config.ensureTopics).toBe(false);
    expect(config.personalTraits).toEqual(['company', 'plan']);
  });

  it.each(['no-source', 'key:', ':source', 'key:source:extra'])(
    'refuses the PULSE_WRITE_KEYS entry %j, naming the variable',
    (entry) => {
      const err = configError({ PULSE_WRITE_KEYS: `good:web,${entry}` });
      expect(err.message).toContain('PULSE_WRITE_KEYS');
      expect(err.message).toContain(entry);
    },
  );

  it('names every bad variable', () => {
    const err = configError({
      COLLECTOR_PORT: '70000',
      KAFKA_TOPIC_PREFIX: 'bad prefix!',
      PULSE_ENSURE_TOPICS: 'maybe',
    });
    for (const name of ['COLLECTOR_PORT', 'KAFKA_TOPIC_PREFIX', 'PULSE_ENSURE_TOPICS'])
      expect(err.message).toContain(name);
  });
});
