import { z } from 'zod';
import { ConfigError } from './errors.js';

export type Env = Record<string, string | undefined>;

/**
 * Parses the environment with a zod schema whose keys are the variable
 * names, and turns every problem into one ConfigError that names each
 * variable and what it expects.
 */
export function parseEnv<S extends z.ZodType>(schema: S, env: Env, service: string): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    const name = issue.path.join('.') || '(environment)';
    const got = typeof issue.path[0] === 'string' ? env[issue.path[0]] : undefined;
    return `  ${name}: ${issue.message}${got === undefined ? '' : ` (got ${JSON.stringify(got)})`}`;
  });
  return failConfig(`${service}: invalid configuration:\n${lines.join('\n')}`);
}

function failConfig(message: string): never {
  throw new ConfigError(message);
}

/** Environment values are strings: these read them as the types services need. */
export const envInt = (fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

export const envBool = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
    .default(fallback ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1' || v === 'yes');

export const envList = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s.length > 0),
    );

export const logLevelSchema = z
  .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  .default('info');

/**
 * The variables every Kafka consumer service reads the same way (ingest,
 * modeling): spread into a service's schema, then map with kafkaSettings.
 */
export const kafkaEnv = {
  KAFKA_BROKERS: envList('127.0.0.1:9092'),
  KAFKA_TOPIC_PREFIX: z
    .string()
    .regex(/^[\w.-]+$/)
    .default('pulse'),
};

/** Where ClickHouse is: a server when CLICKHOUSE_URL is set, else the embedded engine in CHDB_PATH. */
export const clickhouseEnv = {
  CLICKHOUSE_URL: z.url().optional(),
  CLICKHOUSE_USER: z.string().optional(),
  CLICKHOUSE_PASSWORD: z.string().optional(),
  CLICKHOUSE_DATABASE: z.string().regex(/^\w+$/).default('pulse'),
  CHDB_PATH: z.string().default('.pulse/chdb'),
};

export interface ClickHouseSettings {
  url?: string;
  username?: string;
  password?: string;
  database: string;
  chdbPath: string;
  /** Embedded engine only: how often its jemalloc's dirty pages are purged (ms; 0 or absent: never). */
  enginePurgeIntervalMs?: number;
}

export function clickhouseSettings(e: {
  CLICKHOUSE_URL?: string | undefined;
  CLICKHOUSE_USER?: string | undefined;
  CLICKHOUSE_PASSWORD?: string | undefined;
  CLICKHOUSE_DATABASE: string;
  CHDB_PATH: string;
}): ClickHouseSettings {
  return {
    ...(e.CLICKHOUSE_URL ? { url: e.CLICKHOUSE_URL } : {}),
    ...(e.CLICKHOUSE_USER ? { username: e.CLICKHOUSE_USER } : {}),
    ...(e.CLICKHOUSE_PASSWORD ? { password: e.CLICKHOUSE_PASSWORD } : {}),
    database: e.CLICKHOUSE_DATABASE,
    chdbPath: e.CHDB_PATH,
  };
}
