import { type Env, envBool, envInt, envList, logLevelSchema, parseEnv } from '@pulse/common';
import { DEFAULT_MAX_REGULATED_SUBJECTS, LIMITS } from '@pulse/events';
import { z } from 'zod';
import type { PrivacyPolicy } from './privacy.js';

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
  limits: {
    maxEventBytes: number;
    maxBatchBytes: number;
    maxDecompressedBytes: number;
    /** Event requests being read, validated or waiting for Kafka at once; past it 503 (absent: no limit). */
    maxInFlightRequests?: number;
    /** A request (headers and body) must arrive within this, or it is answered 408 and closed (absent: Node's 300 s). */
    requestTimeoutMs?: number;
  };
  corsOrigins: string[];
  /** Whether to create the Kafka topics at start (off where operators manage topics). */
  ensureTopics: boolean;
  /** Traits redacted from logs besides the default personal ones (PULSE_PERSONAL_TRAITS). */
  personalTraits?: string[];
  /** Hashed write keys (COLLECTOR_WRITE_KEYS_FILE), read again every `reloadMs` so a revocation applies without a restart. */
  writeKeysFile?: { path: string; reloadMs: number };
  /** Events per second a source may send (COLLECTOR_RATE_LIMIT_PER_SOURCE); 0 or absent: no limit. */
  rateLimitPerSource?: number;
  /** Anonymisation, hashing and consent applied before events reach Kafka; absent: none. */
  privacy?: PrivacyPolicy;
  /** COLLECTOR_ADMIN_KEY: callers sending it as a Bearer token may POST /v1/regulations; absent: the route is off. */
  adminKey?: string;
  /** The suppression list read from the regulations topic (PULSE_REGULATIONS_MAX_SUBJECTS). */
  regulations?: { maxSubjects: number };
}

/** Without PULSE_WRITE_KEYS and a keys file, the demo's key works, so `pnpm pulse start` runs as is. */
const DEMO_KEYS: WriteKey[] = [{ key: 'pulse-demo-key', sourceId: 'demo' }];

const writeKeysSchema = z.string().transform((v, ctx) => {
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

const optionalText = z
  .string()
  .optional()
  .transform((v) => (v?.trim() ? v.trim() : undefined));

const schema = z
  .object({
    COLLECTOR_HOST: z.string().default('0.0.0.0'),
    COLLECTOR_PORT: envInt(8080, 0, 65535),
    COLLECTOR_LOG_LEVEL: logLevelSchema,
    PULSE_WRITE_KEYS: writeKeysSchema.optional(),
    COLLECTOR_WRITE_KEYS_FILE: optionalText,
    COLLECTOR_WRITE_KEYS_RELOAD_MS: envInt(2000, 100, 60_000),
    COLLECTOR_RATE_LIMIT_PER_SOURCE: envInt(20_000, 0),
    COLLECTOR_ANONYMIZE_IP: envBool(false),
    COLLECTOR_HASH_TRAITS: envList(''),
    COLLECTOR_CONSENT_REQUIRED_CATEGORY: optionalText,
    COLLECTOR_CONSENT_MODE: z.enum(['opt-out', 'opt-in']).default('opt-out'),
    KAFKA_BROKERS: envList('127.0.0.1:9092'),
    KAFKA_TOPIC_PREFIX: z
      .string()
      .regex(/^[\w.-]+$/)
      .default('pulse'),
    KAFKA_SEND_TIMEOUT_MS: envInt(5000, 100),
    KAFKA_MAX_PENDING_BYTES: envInt(64 * 1024 * 1024, 1024),
    COLLECTOR_MAX_BATCH_BYTES: envInt(LIMITS.maxBatchBytes, 1024),
    COLLECTOR_MAX_IN_FLIGHT_REQUESTS: envInt(64, 0),
    COLLECTOR_REQUEST_TIMEOUT_MS: envInt(30_000, 100),
    COLLECTOR_CORS_ORIGINS: envList('*'),
    PULSE_ENSURE_TOPICS: envBool(true),
    PULSE_PERSONAL_TRAITS: envList(''),
    COLLECTOR_ADMIN_KEY: z.string().min(16, 'must be at least 16 characters').optional(),
    PULSE_REGULATIONS_MAX_SUBJECTS: envInt(DEFAULT_MAX_REGULATED_SUBJECTS, 1),
  })
  .superRefine((e, ctx) => {
    if (e.COLLECTOR_CONSENT_MODE === 'opt-in' && e.COLLECTOR_CONSENT_REQUIRED_CATEGORY === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['COLLECTOR_CONSENT_MODE'],
        message: 'opt-in needs COLLECTOR_CONSENT_REQUIRED_CATEGORY, the consent category storage requires',
      });
    }
  });

/** Reads the collector's configuration from the environment; throws ConfigError naming each bad variable. */
export function collectorConfigFromEnv(env: Env): CollectorConfig {
  const e = parseEnv(schema, env, 'collector');
  return {
    host: e.COLLECTOR_HOST,
    port: e.COLLECTOR_PORT,
    logLevel: e.COLLECTOR_LOG_LEVEL,
    // A keys file replaces the demo key: an installation with real keys must not also accept the public one.
    writeKeys: e.PULSE_WRITE_KEYS ?? (e.COLLECTOR_WRITE_KEYS_FILE ? [] : DEMO_KEYS),
    ...(e.COLLECTOR_WRITE_KEYS_FILE
      ? { writeKeysFile: { path: e.COLLECTOR_WRITE_KEYS_FILE, reloadMs: e.COLLECTOR_WRITE_KEYS_RELOAD_MS } }
      : {}),
    rateLimitPerSource: e.COLLECTOR_RATE_LIMIT_PER_SOURCE,
    privacy: {
      anonymizeIp: e.COLLECTOR_ANONYMIZE_IP,
      hashTraits: e.COLLECTOR_HASH_TRAITS,
      ...(e.COLLECTOR_CONSENT_REQUIRED_CATEGORY
        ? { consent: { category: e.COLLECTOR_CONSENT_REQUIRED_CATEGORY, mode: e.COLLECTOR_CONSENT_MODE } }
        : {}),
    },
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
      requestTimeoutMs: e.COLLECTOR_REQUEST_TIMEOUT_MS,
      ...(e.COLLECTOR_MAX_IN_FLIGHT_REQUESTS > 0
        ? { maxInFlightRequests: e.COLLECTOR_MAX_IN_FLIGHT_REQUESTS }
        : {}),
    },
    corsOrigins: e.COLLECTOR_CORS_ORIGINS,
    ensureTopics: e.PULSE_ENSURE_TOPICS,
    personalTraits: e.PULSE_PERSONAL_TRAITS,
    ...(e.COLLECTOR_ADMIN_KEY ? { adminKey: e.COLLECTOR_ADMIN_KEY } : {}),
    regulations: { maxSubjects: e.PULSE_REGULATIONS_MAX_SUBJECTS },
  };
}
