import { type Env, envBool, envInt, envList, logLevelSchema, parseEnv } from '@pulse/common';
import { LIMITS } from '@pulse/events';
import { z } from 'zod';

export interface WriteKey {
  key: string;
  sourceId: string;
}

export interface CollectorConfig {
  host: string;
  port: number;
  logLevel: z.infer<typeof logLevelSchema>;
  /** Accepted write keys and the source each one identifies. */
  writeKeys: WriteKey[];
  kafka: {
    brokers: string[];
    clientId: string;
    topicPrefix: string;
    sendTimeoutMs: number;
    maxPendingBytes: number;
  };
  limits: { maxEventBytes: number; maxBatchBytes: number; maxDecompressedBytes: number };
  corsOrigins: string[];
  /** Whether to create the Kafka topics at start (off where operators manage topics). */
  ensureTopics: boolean;
  /** Traits redacted from logs besides the default personal ones (PULSE_PERSONAL_TRAITS). */
  personalTraits?: string[];
}

const writeKeysSchema = z
  .string()
  .default('pulse-demo-key:demo')
  .transform((v, ctx) => {
    const keys: WriteKey[] = [];
    for (const entry of v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)) {
      const [key, sourceId, ...rest] = entry.split(':');
      // A key cannot hold ':' (Basic auth would cut it there), so a third part is a typo, not part of the id.
      if (!key || !sourceId || rest.length > 0) {
        ctx.addIssue({ code: 'custom', message: `entry "${entry}" must be written as key:sourceId` });
        continue;
      }
      keys.push({ key, sourceId });
    }
    return keys;
  });

const schema = z.object({
  COLLECTOR_HOST: z.string().default('0.0.0.0'),
  COLLECTOR_PORT: envInt(8080, 0, 65535),
  COLLECTOR_LOG_LEVEL: logLevelSchema,
  PULSE_WRITE_KEYS: writeKeysSchema,
  KAFKA_BROKERS: envList('127.0.0.1:9092'),
  KAFKA_TOPIC_PREFIX: z
    .string()
    .regex(/^[\w.-]+$/)
    .default('pulse'),
  KAFKA_SEND_TIMEOUT_MS: envInt(5000, 100),
  KAFKA_MAX_PENDING_BYTES: envInt(64 * 1024 * 1024, 1024),
  COLLECTOR_MAX_BATCH_BYTES: envInt(LIMITS.maxBatchBytes, 1024),
  COLLECTOR_CORS_ORIGINS: envList('*'),
  PULSE_ENSURE_TOPICS: envBool(true),
  PULSE_PERSONAL_TRAITS: envList(''),
});

/** Reads the collector's configuration from the environment; throws ConfigError naming each bad variable. */
export function collectorConfigFromEnv(env: Env): CollectorConfig {
  const e = parseEnv(schema, env, 'collector');
  return {
    host: e.COLLECTOR_HOST,
    port: e.COLLECTOR_PORT,
    logLevel: e.COLLECTOR_LOG_LEVEL,
    writeKeys: e.PULSE_WRITE_KEYS,
    kafka: {
      brokers: e.KAFKA_BROKERS,
      clientId: 'pulse-collector',
      topicPrefix: e.KAFKA_TOPIC_PREFIX,
      sendTimeoutMs: e.KAFKA_SEND_TIMEOUT_MS,
      maxPendingBytes: e.KAFKA_MAX_PENDING_BYTES,
    },
    limits: {
      maxEventBytes: LIMITS.maxEventBytes,
      maxBatchBytes: e.COLLECTOR_MAX_BATCH_BYTES,
      // A gzip body may expand; this bounds what one request can make us hold.
      maxDecompressedBytes: e.COLLECTOR_MAX_BATCH_BYTES * 4,
    },
    corsOrigins: e.COLLECTOR_CORS_ORIGINS,
    ensureTopics: e.PULSE_ENSURE_TOPICS,
    personalTraits: e.PULSE_PERSONAL_TRAITS,
  };
}
