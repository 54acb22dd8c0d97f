import {
  type ClickHouseSettings,
  clickhouseEnv,
  clickhouseSettings,
  type Env,
  envInt,
  envList,
  kafkaEnv,
  logLevelSchema,
  parseEnv,
} from '@pulse/common';
import { DEFAULT_MAX_REGULATED_SUBJECTS } from '@pulse/events';
import { z } from 'zod';

export interface IngestConfig {
  logLevel: z.infer<typeof logLevelSchema>;
  metricsPort: number;
  kafka: { brokers: string[]; clientId: string; topicPrefix: string; groupId: string };
  clickhouse: ClickHouseSettings;
  /** Rows per ClickHouse insert, at least. */
  batchRows: number;
  /** A partial batch is inserted once its oldest row waited this long. */
  flushIntervalMs: number;
  /** Remembered messageIds for in-flight deduplication. */
  dedupWindow: number;
  /**
   * The broker answers a fetch once it has this many bytes or after `fetchMaxWaitMs` (defaults
   * 256 KiB and 250 ms): rows go to ClickHouse in large inserts anyway, and fetches of a few records
   * each made half of Kafka's CPU at 5,000 events/s.
   */
  fetchMinBytes?: number;
  fetchMaxWaitMs?: number;
  /** Time between consumer lag measurements (default 5000). */
  lagIntervalMs?: number;
  /** Lag only rising, or records waiting with no commit, for this long makes ingest not ready (default 60000). */
  lagWindowMs?: number;
  /** Traits redacted from logs besides the default personal ones. */
  personalTraits?: string[];
  /**
   * Deletion and suppression requests: ingest's part is done in consumer group `groupId` (default
   * `<kafka.groupId>-regulations`); the suppression list holds at most `maxSubjects`.
   */
  regulations?: { groupId: string; maxSubjects: number };
}

const schema = z.object({
  INGEST_LOG_LEVEL: logLevelSchema,
  INGEST_METRICS_PORT: envInt(9102, 0, 65535),
  ...kafkaEnv,
  INGEST_GROUP_ID: z.string().min(1).default('pulse-ingest'),
  ...clickhouseEnv,
  INGEST_BATCH_ROWS: envInt(10_000, 1),
  INGEST_FLUSH_INTERVAL_MS: envInt(1000, 10),
  INGEST_DEDUP_WINDOW: envInt(1_000_000, 0),
  INGEST_ENGINE_PURGE_MS: envInt(5000, 0),
  INGEST_FETCH_MIN_BYTES: envInt(256 * 1024, 1, 16 * 1024 * 1024),
  INGEST_FETCH_MAX_WAIT_MS: envInt(250, 10, 10_000),
  INGEST_LAG_INTERVAL_MS: envInt(5000, 100),
  INGEST_LAG_WINDOW_MS: envInt(60_000, 1000),
  PULSE_PERSONAL_TRAITS: envList(''),
  PULSE_REGULATIONS_MAX_SUBJECTS: envInt(DEFAULT_MAX_REGULATED_SUBJECTS, 1),
});

/** Reads ingest's configuration from the environment; throws ConfigError naming each bad variable. */
export function ingestConfigFromEnv(env: Env): IngestConfig {
  const e = parseEnv(schema, env, 'ingest');
  return {
    logLevel: e.INGEST_LOG_LEVEL,
    metricsPort: e.INGEST_METRICS_PORT,
    kafka: {
      brokers: e.KAFKA_BROKERS,
      clientId: 'pulse-ingest',
      topicPrefix: e.KAFKA_TOPIC_PREFIX,
      groupId: e.INGEST_GROUP_ID,
    },
    // Ingest's engine frees most (inserts, merges): purged, its soak growth went from 52-100 MB to 20-31.
    clickhouse: { ...clickhouseSettings(e), enginePurgeIntervalMs: e.INGEST_ENGINE_PURGE_MS },
    batchRows: e.INGEST_BATCH_ROWS,
    flushIntervalMs: e.INGEST_FLUSH_INTERVAL_MS,
    dedupWindow: e.INGEST_DEDUP_WINDOW,
    fetchMinBytes: e.INGEST_FETCH_MIN_BYTES,
    fetchMaxWaitMs: e.INGEST_FETCH_MAX_WAIT_MS,
    lagIntervalMs: e.INGEST_LAG_INTERVAL_MS,
    lagWindowMs: e.INGEST_LAG_WINDOW_MS,
    personalTraits: e.PULSE_PERSONAL_TRAITS,
    regulations: {
      groupId: `${e.INGEST_GROUP_ID}-regulations`,
      maxSubjects: e.PULSE_REGULATIONS_MAX_SUBJECTS,
    },
  };
}
