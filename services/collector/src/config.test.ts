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
        maxInFlightRequests: 64,
        requestTimeoutMs: 30_000,
      },
      corsOrigins: ['*'],
      ensureTopics: true,
      personalTraits: [],
      rateLimitPerSource: 20_000,
      privacy: { anonymizeIp: false, hashTraits: [] },
      regulations: { maxSubjects: 1_000_000 },
    });
  });

  it('enables deletion requests with an admin key of 16 characters or more', () => {
    const config = collectorConfigFromEnv({
      COLLECTOR_ADMIN_KEY: 'admin-key-0123456789',
      PULSE_REGULATIONS_MAX_SUBJECTS: '5000',
    });
    expect(config.adminKey).toBe('admin-key-0123456789');
    expect(config.regulations).toEqual({ maxSubjects: 5000 });
    expect(() => collectorConfigFromEnv({ COLLECTOR_ADMIN_KEY: 'short' })).toThrow(/COLLECTOR_ADMIN_KEY/);
    expect(() => collectorConfigFromEnv({ PULSE_REGULATIONS_MAX_SUBJECTS: '0' })).toThrow(
      /PULSE_REGULATIONS_MAX_SUBJECTS/,
    );
  });

  it('reads the security and privacy variables', () => {
    const config = collectorConfigFromEnv({
      COLLECTOR_WRITE_KEYS_FILE: '/etc/pulse/keys.json',
      COLLECTOR_WRITE_KEYS_RELOAD_MS: '500',
      COLLECTOR_RATE_LIMIT_PER_SOURCE: '0',
      COLLECTOR_ANONYMIZE_IP: 'true',
      COLLECTOR_HASH_TRAITS: 'email, phone',
      COLLECTOR_CONSENT_REQUIRED_CATEGORY: ' Analytics ',
      COLLECTOR_CONSENT_MODE: 'opt-in',
    });
    expect(config.writeKeysFile).toEqual({ path: '/etc/pulse/keys.json', reloadMs: 500 });
    expect(config.rateLimitPerSource).toBe(0);
    expect(config.privacy).toEqual({
      anonymizeIp: true,
      hashTraits: ['email', 'phone'],
      consent: { category: 'Analytics', mode: 'opt-in' },
    });
  });

  it('drops the demo key once a keys file holds the real ones, unless PULSE_WRITE_KEYS lists keys too', () => {
    expect(collectorConfigFromEnv({ COLLECTOR_WRITE_KEYS_FILE: 'k.json' }).writeKeys).toEqual([]);
    expect(
      collectorConfigFromEnv({ COLLECTOR_WRITE_KEYS_FILE: 'k.json', PULSE_WRITE_KEYS: 'old:web' }).writeKeys,
    ).toEqual([{ key: 'old', sourceId: 'web' }]);
  });

  it('checks consent only when a category is set, opting out by default', () => {
    expect(
      collectorConfigFromEnv({ COLLECTOR_CONSENT_REQUIRED_CATEGORY: '' }).privacy?.consent,
    ).toBeUndefined();
    expect(
      collectorConfigFromEnv({ COLLECTOR_CONSENT_REQUIRED_CATEGORY: 'analytics' }).privacy?.consent,
    ).toEqual({
      category: 'analytics',
      mode: 'opt-out',
    });
  });

  it.each([
    [{ COLLECTOR_CONSENT_MODE: 'opt-in' }, 'COLLECTOR_CONSENT_MODE', 'COLLECTOR_CONSENT_REQUIRED_CATEGORY'],
    [{ COLLECTOR_CONSENT_MODE: 'always' }, 'COLLECTOR_CONSENT_MODE', 'opt-out'],
    [{ COLLECTOR_RATE_LIMIT_PER_SOURCE: '-5' }, 'COLLECTOR_RATE_LIMIT_PER_SOURCE', '>='],
    [{ COLLECTOR_ANONYMIZE_IP: 'maybe' }, 'COLLECTOR_ANONYMIZE_IP', 'true or false'],
    [{ COLLECTOR_WRITE_KEYS_RELOAD_MS: '10' }, 'COLLECTOR_WRITE_KEYS_RELOAD_MS', '>='],
  ])('refuses %j, naming the variable', (env, name, hint) => {
    const err = configError(env);
    expect(err.message).toContain(name);
    expect(err.message).toContain(hint);
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
