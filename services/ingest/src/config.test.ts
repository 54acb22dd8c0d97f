import { ConfigError } from '@pulse/common';
import { describe, expect, it } from 'vitest';
import { ingestConfigFromEnv } from './config.js';

function configError(env: Record<string, string>): ConfigError {
  try {
    ingestConfigFromEnv(env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error(`expected a ConfigError for ${JSON.stringify(env)}`);
}

describe('ingestConfigFromEnv', () => {
  it('has defaults for everything', () => {
    const config = ingestConfigFromEnv({});
    expect(config).toMatchObject({
      logLevel: 'info',
      metricsPort: 9102,
      kafka: { brokers: ['127.0.0.1:9092'], topicPrefix: 'pulse', groupId: 'pulse-ingest' },
      clickhouse: { database: 'pulse', chdbPath: '.pulse/chdb', enginePurgeIntervalMs: 5000 },
      batchRows: 10_000,
      flushIntervalMs: 1000,
      dedupWindow: 1_000_000,
    });
    expect(config.clickhouse.url).toBeUndefined();
  });

  it('reads every variable', () => {
    const config = ingestConfigFromEnv({
      INGEST_LOG_LEVEL: 'warn',
      INGEST_METRICS_PORT: '0',
      KAFKA_BROKERS: ' k1:9092, k2:9092 ,',
      KAFKA_TOPIC_PREFIX: 'staging.pulse',
      INGEST_GROUP_ID: 'ingest-2',
      CLICKHOUSE_URL: 'http://clickhouse:8123',
      CLICKHOUSE_USER: 'pulse',
      CLICKHOUSE_PASSWORD: 'secret',
      CLICKHOUSE_DATABASE: 'analytics',
      CHDB_PATH: '/data/chdb',
      INGEST_BATCH_ROWS: '500',
      INGEST_FLUSH_INTERVAL_MS: '250',
      INGEST_DEDUP_WINDOW: '0',
      INGEST_ENGINE_PURGE_MS: '0',
      INGEST_FETCH_MIN_BYTES: '1',
      INGEST_FETCH_MAX_WAIT_MS: '100',
      INGEST_LAG_INTERVAL_MS: '2000',
      INGEST_LAG_WINDOW_MS: '30000',
      PULSE_PERSONAL_TRAITS: 'company, plan',
      PULSE_REGULATIONS_MAX_SUBJECTS: '5000',
    });
    expect(config).toEqual({
      logLevel: 'warn',
      metricsPort: 0,
      kafka: {
        brokers: ['k1:9092', 'k2:9092'],
        clientId: 'pulse-ingest',
        topicPrefix: 'staging.pulse',
        groupId: 'ingest-2',
      },
      clickhouse: {
        url: 'http://clickhouse:8123',
        username: 'pulse',
        password: 'secret',
        database: 'analytics',
        chdbPath: '/data/chdb',
        enginePurgeIntervalMs: 0,
      },
      batchRows: 500,
      flushIntervalMs: 250,
      dedupWindow: 0,
      fetchMinBytes: 1,
      fetchMaxWaitMs: 100,
      lagIntervalMs: 2000,
      lagWindowMs: 30_000,
      personalTraits: ['company', 'plan'],
      regulations: { groupId: 'ingest-2-regulations', maxSubjects: 5000 },
    });
  });

  it.each([
    ['INGEST_BATCH_ROWS', '0'],
    ['INGEST_BATCH_ROWS', 'lots'],
    ['INGEST_FLUSH_INTERVAL_MS', '5'],
    ['INGEST_FLUSH_INTERVAL_MS', '1.5'],
    ['INGEST_DEDUP_WINDOW', '-1'],
    ['INGEST_LAG_INTERVAL_MS', '10'],
    ['INGEST_LAG_WINDOW_MS', 'soon'],
    ['INGEST_METRICS_PORT', '70000'],
    ['INGEST_LOG_LEVEL', 'loud'],
    ['KAFKA_TOPIC_PREFIX', 'has space'],
    ['INGEST_GROUP_ID', ''],
    ['CLICKHOUSE_URL', 'not a url'],
    ['CLICKHOUSE_DATABASE', 'pulse; DROP TABLE x'],
  ])('refuses %s=%j with a ConfigError naming it', (name, value) => {
    const err = configError({ [name]: value });
    expect(err.code).toBe('PULSE_CONFIG_INVALID');
    expect(err.message).toContain(`${name}:`);
    expect(err.message).toContain(JSON.stringify(value));
  });

  it('names every bad variable at once', () => {
    const err = configError({ INGEST_BATCH_ROWS: '0', KAFKA_TOPIC_PREFIX: 'a/b' });
    expect(err.message).toMatch(
      /INGEST_BATCH_ROWS:.*\n.*KAFKA_TOPIC_PREFIX:|KAFKA_TOPIC_PREFIX:.*\n.*INGEST_BATCH_ROWS:/,
    );
  });
});
