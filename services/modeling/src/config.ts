import { type Env, envInt, envList, logLevelSchema, parseEnv } from '@pulse/common';
import { z } from 'zod';

export interface ModelingConfig {
  logLevel: z.infer<typeof logLevelSchema>;
  metricsPort: number;
  kafka: { brokers: string[]; clientId: string; topicPrefix: string; groupId: string };
  clickhouse: { url?: string; username?: string; password?: string; database: string; chdbPath: string };
  checkpointIntervalMs: number;
}

const schema = z.object({
  MODELING_LOG_LEVEL: logLevelSchema,
  MODELING_METRICS_PORT: envInt(9103, 0, 65535),
  KAFKA_BROKERS: envList('127.0.0.1:9092'),
  KAFKA_TOPIC_PREFIX: z
    .string()
    .regex(/^[\w.-]+$/)
    .default('pulse'),
  MODELING_GROUP_ID: z.string().min(1).default('pulse-modeling'),
  CLICKHOUSE_URL: z.url().optional(),
  CLICKHOUSE_USER: z.string().optional(),
  CLICKHOUSE_PASSWORD: z.string().optional(),
  CLICKHOUSE_DATABASE: z.string().regex(/^\w+$/).default('pulse'),
  CHDB_PATH: z.string().default('.pulse/chdb'),
  MODELING_CHECKPOINT_INTERVAL_MS: envInt(5000, 100),
});

/** Reads the modeling worker's configuration; throws ConfigError naming each bad variable. */
export function modelingConfigFromEnv(env: Env): ModelingConfig {
  const e = parseEnv(schema, env, 'modeling');
  return {
    logLevel: e.MODELING_LOG_LEVEL,
    metricsPort: e.MODELING_METRICS_PORT,
    kafka: {
      brokers: e.KAFKA_BROKERS,
      clientId: 'pulse-modeling',
      topicPrefix: e.KAFKA_TOPIC_PREFIX,
      groupId: e.MODELING_GROUP_ID,
    },
    clickhouse: {
      ...(e.CLICKHOUSE_URL ? { url: e.CLICKHOUSE_URL } : {}),
      ...(e.CLICKHOUSE_USER ? { username: e.CLICKHOUSE_USER } : {}),
      ...(e.CLICKHOUSE_PASSWORD ? { password: e.CLICKHOUSE_PASSWORD } : {}),
      database: e.CLICKHOUSE_DATABASE,
      chdbPath: e.CHDB_PATH,
    },
    checkpointIntervalMs: e.MODELING_CHECKPOINT_INTERVAL_MS,
  };
}
