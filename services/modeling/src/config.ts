import {
  type ClickHouseSettings,
  clickhouseEnv,
  clickhouseSettings,
  type Env,
  envInt,
  kafkaEnv,
  logLevelSchema,
  parseEnv,
} from '@pulse/common';
import { z } from 'zod';

export interface ModelingConfig {
  logLevel: z.infer<typeof logLevelSchema>;
  metricsPort: number;
  kafka: { brokers: string[]; clientId: string; topicPrefix: string; groupId: string };
  clickhouse: ClickHouseSettings;
  checkpointIntervalMs: number;
}

const schema = z.object({
  MODELING_LOG_LEVEL: logLevelSchema,
  MODELING_METRICS_PORT: envInt(9103, 0, 65535),
  ...kafkaEnv,
  MODELING_GROUP_ID: z.string().min(1).default('pulse-modeling'),
  ...clickhouseEnv,
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
    clickhouse: clickhouseSettings(e),
    checkpointIntervalMs: e.MODELING_CHECKPOINT_INTERVAL_MS,
  };
}
