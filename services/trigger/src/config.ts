import { fileURLToPath } from 'node:url';
import { type Env, envBool, envInt, envList, logLevelSchema, parseEnv } from '@pulse/common';
import { z } from 'zod';

export interface TriggerConfig {
  logLevel: z.infer<typeof logLevelSchema>;
  metricsPort: number;
  /** The campaign API (list, create, update, pause, failed deliveries). */
  api: { host: string; port: number };
  kafka: {
    brokers: string[];
    clientId: string;
    topicPrefix: string;
    groupId: string;
    fromBeginning: boolean;
    /** A dead member's partitions move to another after this long. */
    sessionTimeoutMs: number;
  };
  redisUrl: string;
  /** BullMQ key prefix; the service's own Redis keys live under `<prefix>:<queueName>:state`. */
  queuePrefix: string;
  /** Base of the queue names: `<queueName>-occasions`, `<queueName>-deliver-<endpoint>`. */
  queueName: string;
  campaignsDir: string;
  webhook: { secret?: string; timeoutMs: number; attempts: number; backoffMs: number };
  /** Actions per person per UTC day across campaigns; 0 for no limit. */
  dailyCap: number;
  /** Time zone of people who have none in their traits or context. */
  defaultTimeZone: string;
  concurrency: number;
  /** BullMQ job lock: a job whose worker died is taken up again after about this long. */
  lockDurationMs: number;
  /** An occasion due longer ago than this (a replay of old events) is not opened; 0 for no limit. */
  maxLatenessHours: number;
  /** How long finished jobs are kept: their ids are what makes a replay within this time a no-op. */
  keepJobsHours: number;
  clickhouse: { url?: string; username?: string; password?: string; database: string; chdbPath: string };
  decisionFlushMs: number;
  /** Time between consumer lag measurements (default 5000). */
  lagIntervalMs?: number;
  /** How long lag may only rise, or records wait uncommitted, before /readyz says not keeping up (default 60000). */
  lagWindowMs?: number;
}

/** The example campaigns shipped with the service (log channel): it runs out of the box. */
const EXAMPLE_CAMPAIGNS = fileURLToPath(new URL('../campaigns', import.meta.url));

const schema = z.object({
  TRIGGER_LOG_LEVEL: logLevelSchema,
  TRIGGER_METRICS_PORT: envInt(9104, 0, 65535),
  TRIGGER_API_HOST: z.string().min(1).default('127.0.0.1'),
  TRIGGER_API_PORT: envInt(8084, 0, 65535),
  KAFKA_BROKERS: envList('127.0.0.1:9092'),
  KAFKA_TOPIC_PREFIX: z
    .string()
    .regex(/^[\w.-]+$/)
    .default('pulse'),
  TRIGGER_GROUP_ID: z.string().min(1).default('pulse-trigger'),
  TRIGGER_FROM_BEGINNING: envBool(false),
  TRIGGER_SESSION_TIMEOUT_MS: envInt(30_000, 6000),
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).default('redis://127.0.0.1:6379'),
  TRIGGER_QUEUE_PREFIX: z
    .string()
    .regex(/^[\w-]+$/)
    .default('pulse'),
  TRIGGER_QUEUE_NAME: z
    .string()
    .regex(/^[\w-]+$/)
    .default('trigger'),
  TRIGGER_CAMPAIGNS_DIR: z.string().min(1).default(EXAMPLE_CAMPAIGNS),
  TRIGGER_WEBHOOK_SECRET: z.string().min(16, { message: 'must be at least 16 characters' }).optional(),
  TRIGGER_WEBHOOK_TIMEOUT_MS: envInt(5000, 100),
  TRIGGER_WEBHOOK_ATTEMPTS: envInt(8, 1, 100),
  TRIGGER_WEBHOOK_BACKOFF_MS: envInt(1000, 10),
  TRIGGER_DAILY_CAP: envInt(3, 0),
  TRIGGER_DEFAULT_TIMEZONE: z
    .string()
    .refine((tz) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    }, 'must be an IANA time zone, e.g. Europe/Berlin')
    .default('UTC'),
  TRIGGER_CONCURRENCY: envInt(16, 1, 1000),
  TRIGGER_LOCK_MS: envInt(30_000, 1000),
  TRIGGER_KEEP_JOBS_HOURS: envInt(168, 1),
  TRIGGER_MAX_LATENESS_HOURS: envInt(24, 0),
  CLICKHOUSE_URL: z.url().optional(),
  CLICKHOUSE_USER: z.string().optional(),
  CLICKHOUSE_PASSWORD: z.string().optional(),
  CLICKHOUSE_DATABASE: z.string().regex(/^\w+$/).default('pulse'),
  TRIGGER_CHDB_PATH: z.string().default('.pulse/chdb-trigger'),
  TRIGGER_DECISION_FLUSH_MS: envInt(1000, 10),
  TRIGGER_LAG_INTERVAL_MS: envInt(5000, 100),
  TRIGGER_LAG_WINDOW_MS: envInt(60_000, 1000),
});

/** Reads the trigger service's configuration; throws ConfigError naming each bad variable. */
export function triggerConfigFromEnv(env: Env): TriggerConfig {
  const e = parseEnv(schema, env, 'trigger');
  return {
    logLevel: e.TRIGGER_LOG_LEVEL,
    metricsPort: e.TRIGGER_METRICS_PORT,
    api: { host: e.TRIGGER_API_HOST, port: e.TRIGGER_API_PORT },
    kafka: {
      brokers: e.KAFKA_BROKERS,
      clientId: 'pulse-trigger',
      topicPrefix: e.KAFKA_TOPIC_PREFIX,
      groupId: e.TRIGGER_GROUP_ID,
      fromBeginning: e.TRIGGER_FROM_BEGINNING,
      sessionTimeoutMs: e.TRIGGER_SESSION_TIMEOUT_MS,
    },
    redisUrl: e.REDIS_URL,
    queuePrefix: e.TRIGGER_QUEUE_PREFIX,
    queueName: e.TRIGGER_QUEUE_NAME,
    campaignsDir: e.TRIGGER_CAMPAIGNS_DIR,
    webhook: {
      ...(e.TRIGGER_WEBHOOK_SECRET ? { secret: e.TRIGGER_WEBHOOK_SECRET } : {}),
      timeoutMs: e.TRIGGER_WEBHOOK_TIMEOUT_MS,
      attempts: e.TRIGGER_WEBHOOK_ATTEMPTS,
      backoffMs: e.TRIGGER_WEBHOOK_BACKOFF_MS,
    },
    dailyCap: e.TRIGGER_DAILY_CAP,
    defaultTimeZone: e.TRIGGER_DEFAULT_TIMEZONE,
    concurrency: e.TRIGGER_CONCURRENCY,
    lockDurationMs: e.TRIGGER_LOCK_MS,
    keepJobsHours: e.TRIGGER_KEEP_JOBS_HOURS,
    maxLatenessHours: e.TRIGGER_MAX_LATENESS_HOURS,
    clickhouse: {
      ...(e.CLICKHOUSE_URL ? { url: e.CLICKHOUSE_URL } : {}),
      ...(e.CLICKHOUSE_USER ? { username: e.CLICKHOUSE_USER } : {}),
      ...(e.CLICKHOUSE_PASSWORD ? { password: e.CLICKHOUSE_PASSWORD } : {}),
      database: e.CLICKHOUSE_DATABASE,
      chdbPath: e.TRIGGER_CHDB_PATH,
    },
    decisionFlushMs: e.TRIGGER_DECISION_FLUSH_MS,
    lagIntervalMs: e.TRIGGER_LAG_INTERVAL_MS,
    lagWindowMs: e.TRIGGER_LAG_WINDOW_MS,
  };
}
