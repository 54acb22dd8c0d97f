import { fileURLToPath } from 'node:url';
import { type Env, envBool, envInt, envList, logLevelSchema, parseEnv } from '@pulse/common';
import { DEFAULT_MAX_REGULATED_SUBJECTS } from '@pulse/events';
import { z } from 'zod';
import { EMAIL_ADDRESS } from './channels/email/address.js';

export interface TriggerConfig {
  logLevel: z.infer<typeof logLevelSchema>;
  metricsPort: number;
  /** The campaign API (list, create, update, pause, failed deliveries); `key` set: every call needs `Authorization: Bearer <key>`. */
  api: { host: string; port: number; key?: string };
  kafka: {
    brokers: string[];
    clientId: string;
    topicPrefix: string;
    groupId: string;
    fromBeginning: boolean;
    /** A dead member's partitions move to another after this long. */
    sessionTimeoutMs: number;
    /**
     * The broker answers an events fetch once it has this many bytes (or after 50 ms): at 5,000
     * events/s a fetch per partition batch of two records cost a Kafka request and a Redis pipeline each.
     */
    fetchMinBytes: number;
    /**
     * Handled offsets are committed at most this often (and at shutdown): committing after every
     * batch was one OffsetCommit per two records. A crash re-reads at most this much, which the
     * deterministic job ids make harmless.
     */
    commitIntervalMs: number;
  };
  redisUrl: string;
  /** BullMQ key prefix; the service's own Redis keys live under `<prefix>:<queueName>:state`. */
  queuePrefix: string;
  /** Base of the queue names: `<queueName>-occasions`, `<queueName>-deliver-<endpoint>`. */
  queueName: string;
  campaignsDir: string;
  webhook: {
    secret?: string;
    timeoutMs: number;
    attempts: number;
    backoffMs: number;
    /** Webhooks to private, loopback, link-local and unique-local addresses are refused unless true (default false). */
    allowPrivate?: boolean;
  };
  /** The consumer of segment entries and exits (default: group `<kafka.groupId>-segments`, from the beginning). */
  segments?: SegmentsConfig;
  /** The modeling service's recommendations API, for `{{recommendations}}` in templates; none without it. */
  recommendations?: RecommendationsConfig;
  /** The email channel's SMTP server; email campaigns are refused without it. */
  smtp?: SmtpConfig;
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
  /**
   * Deletion requests: the trigger's part is done in consumer group `groupId` (default
   * `<kafka.groupId>-regulations`); the suppression list holds at most `maxSubjects`.
   */
  regulations?: { groupId: string; maxSubjects: number };
}

export interface SegmentsConfig {
  groupId: string;
  /**
   * A new group reads the topic's retained changes, so membership starts complete; changes
   * published more than maxLatenessHours ago update membership without opening occasions.
   */
  fromBeginning: boolean;
}

export interface RecommendationsConfig {
  /** Base URL: the service answers GET <url>/v1/recommendations/users/:userId?k=N. */
  url: string;
  apiKey?: string;
  /** A message never waits longer than this for recommendations; it goes without them. */
  timeoutMs: number;
  /** Items fetched per message (k). */
  count: number;
}

export interface SmtpConfig {
  host: string;
  port: number;
  /** smtps:// (TLS from the first byte); smtp:// upgrades with STARTTLS when the server offers it. */
  secure: boolean;
  username?: string;
  password?: string;
  /** Sender of campaigns that name none (`channel.from`). */
  from?: string;
  timeoutMs: number;
  /** Name given in EHLO. */
  heloName: string;
}

/** The example campaigns shipped with the service (log channel): it runs out of the box. */
const EXAMPLE_CAMPAIGNS = fileURLToPath(new URL('../campaigns', import.meta.url));

const schema = z.object({
  TRIGGER_LOG_LEVEL: logLevelSchema,
  TRIGGER_METRICS_PORT: envInt(9104, 0, 65535),
  TRIGGER_API_HOST: z.string().min(1).default('127.0.0.1'),
  TRIGGER_API_PORT: envInt(8084, 0, 65535),
  TRIGGER_API_KEY: z.string().min(16, { message: 'must be at least 16 characters' }).optional(),
  KAFKA_BROKERS: envList('127.0.0.1:9092'),
  KAFKA_TOPIC_PREFIX: z
    .string()
    .regex(/^[\w.-]+$/)
    .default('pulse'),
  TRIGGER_GROUP_ID: z.string().min(1).default('pulse-trigger'),
  TRIGGER_FROM_BEGINNING: envBool(false),
  TRIGGER_SESSION_TIMEOUT_MS: envInt(30_000, 6000),
  TRIGGER_FETCH_MIN_BYTES: envInt(65_536, 1, 16 * 1024 * 1024),
  TRIGGER_COMMIT_INTERVAL_MS: envInt(1000, 0, 60_000),
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
  TRIGGER_ALLOW_PRIVATE_WEBHOOKS: envBool(false),
  TRIGGER_SEGMENTS_GROUP_ID: z.string().min(1).optional(),
  TRIGGER_SEGMENTS_FROM_BEGINNING: envBool(true),
  TRIGGER_RECS_URL: z.url({ protocol: /^https?$/ }).optional(),
  TRIGGER_RECS_API_KEY: z.string().min(1).optional(),
  TRIGGER_RECS_TIMEOUT_MS: envInt(300, 10, 60_000),
  TRIGGER_RECS_COUNT: envInt(5, 1, 100),
  TRIGGER_SMTP_URL: z
    .url({ protocol: /^smtps?$/, message: 'must be smtp://[user:pass@]host[:port] or smtps://...' })
    .optional(),
  TRIGGER_SMTP_FROM: z.string().regex(EMAIL_ADDRESS, { message: 'must be an email address' }).optional(),
  TRIGGER_SMTP_TIMEOUT_MS: envInt(10_000, 100),
  TRIGGER_SMTP_HELO: z
    .string()
    .regex(/^[\w.-]+$/)
    .default('pulse-trigger'),
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
  PULSE_REGULATIONS_MAX_SUBJECTS: envInt(DEFAULT_MAX_REGULATED_SUBJECTS, 1),
});

/** Reads the trigger service's configuration; throws ConfigError naming each bad variable. */
export function triggerConfigFromEnv(env: Env): TriggerConfig {
  const e = parseEnv(schema, env, 'trigger');
  return {
    logLevel: e.TRIGGER_LOG_LEVEL,
    metricsPort: e.TRIGGER_METRICS_PORT,
    api: {
      host: e.TRIGGER_API_HOST,
      port: e.TRIGGER_API_PORT,
      ...(e.TRIGGER_API_KEY ? { key: e.TRIGGER_API_KEY } : {}),
    },
    kafka: {
      brokers: e.KAFKA_BROKERS,
      clientId: 'pulse-trigger',
      topicPrefix: e.KAFKA_TOPIC_PREFIX,
      groupId: e.TRIGGER_GROUP_ID,
      fromBeginning: e.TRIGGER_FROM_BEGINNING,
      sessionTimeoutMs: e.TRIGGER_SESSION_TIMEOUT_MS,
      fetchMinBytes: e.TRIGGER_FETCH_MIN_BYTES,
      commitIntervalMs: e.TRIGGER_COMMIT_INTERVAL_MS,
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
      allowPrivate: e.TRIGGER_ALLOW_PRIVATE_WEBHOOKS,
    },
    segments: {
      groupId: e.TRIGGER_SEGMENTS_GROUP_ID ?? `${e.TRIGGER_GROUP_ID}-segments`,
      fromBeginning: e.TRIGGER_SEGMENTS_FROM_BEGINNING,
    },
    ...(e.TRIGGER_RECS_URL
      ? {
          recommendations: {
            url: e.TRIGGER_RECS_URL.replace(/\/+$/, ''),
            ...(e.TRIGGER_RECS_API_KEY ? { apiKey: e.TRIGGER_RECS_API_KEY } : {}),
            timeoutMs: e.TRIGGER_RECS_TIMEOUT_MS,
            count: e.TRIGGER_RECS_COUNT,
          },
        }
      : {}),
    ...(e.TRIGGER_SMTP_URL
      ? {
          smtp: smtpConfig(e.TRIGGER_SMTP_URL, {
            from: e.TRIGGER_SMTP_FROM,
            timeoutMs: e.TRIGGER_SMTP_TIMEOUT_MS,
            heloName: e.TRIGGER_SMTP_HELO,
          }),
        }
      : {}),
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
    regulations: {
      groupId: `${e.TRIGGER_GROUP_ID}-regulations`,
      maxSubjects: e.PULSE_REGULATIONS_MAX_SUBJECTS,
    },
  };
}

/** smtp://user:pass@host:port (587 by default) or smtps://... (465 by default); user and password URL-decoded. */
function smtpConfig(
  url: string,
  rest: { from: string | undefined; timeoutMs: number; heloName: string },
): SmtpConfig {
  const u = new URL(url);
  const secure = u.protocol === 'smtps:';
  return {
    host: u.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: u.port ? Number(u.port) : secure ? 465 : 587,
    secure,
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(rest.from ? { from: rest.from } : {}),
    timeoutMs: rest.timeoutMs,
    heloName: rest.heloName,
  };
}
