import { readFileSync } from 'node:fs';
import {
  type ClickHouseSettings,
  ConfigError,
  clickhouseEnv,
  clickhouseSettings,
  type Env,
  envInt,
  kafkaEnv,
  logLevelSchema,
  parseEnv,
} from '@pulse/common';
import { DEFAULT_MAX_REGULATED_SUBJECTS } from '@pulse/events';
import { z } from 'zod';
import { isModelName, MODEL_NAMES, type ModelName, type ModelSettings } from './recs/models.js';
import { checkPredictionModel, type PredictionModelJson } from './segments/predict/prediction-model.js';
import { EXAMPLE_SEGMENT_RULES } from './segments/rules/example-rules.js';
import { parseSegmentRules } from './segments/rules/rule-schema.js';

export interface ModelingConfig {
  logLevel: z.infer<typeof logLevelSchema>;
  metricsPort: number;
  kafka: { brokers: string[]; clientId: string; topicPrefix: string; groupId: string };
  clickhouse: ClickHouseSettings;
  checkpointIntervalMs: number;
  /** Message ids remembered to apply a resent event once. */
  dedupWindow: number;
  /** V8's heap growth past the live heap, in % (capHeapGrowth; set by the entry point; 0: V8's own). */
  heapGrowingPercent: number;
  api: { port: number; host: string; apiKey: string | undefined; defaultK: number; maxK: number };
  recs: {
    model: ModelName;
    settings: ModelSettings;
    /** Neighbours per item written to item_similarity. */
    similarityK: number;
    /** How often item_similarity gets a new version (0: never). */
    similarityIntervalMs: number;
    /** People whose recent items are kept for per-person recommendations. */
    people: number;
  };
  segments: {
    /** Rule segment definitions (validated at start). */
    rules: unknown;
    /**
     * How often the segments' clock is moved on by the wall-clock time since the last event, so that
     * windows expire and recency grows while no event arrives (0: only events move it).
     */
    tickIntervalMs: number;
    /** A trained prediction model (`pnpm pulse eval segments --save-model FILE`); its scores become traits. */
    predictionModel: PredictionModelJson | null;
  };
  /**
   * Events whose `context.consent.categoryPreferences` refuses this category are not modelled
   * (MODELING_CONSENT_CATEGORY, default "personalization"; empty: consent is not checked here).
   */
  consentCategory?: string;
  /** Deletion requests: done in consumer group `groupId`; the suppression list holds at most `maxSubjects`. */
  regulations?: { groupId: string; maxSubjects: number };
}

const schema = z.object({
  MODELING_LOG_LEVEL: logLevelSchema,
  MODELING_METRICS_PORT: envInt(9103, 0, 65535),
  ...kafkaEnv,
  MODELING_GROUP_ID: z.string().min(1).default('pulse-modeling'),
  ...clickhouseEnv,
  MODELING_CHECKPOINT_INTERVAL_MS: envInt(5000, 100),
  MODELING_DEDUP_WINDOW: envInt(100_000, 0, 10_000_000),
  MODELING_HEAP_GROWING_PERCENT: envInt(20, 0, 1000),
  MODELING_API_PORT: envInt(8085, 0, 65535),
  MODELING_API_HOST: z.string().min(1).default('0.0.0.0'),
  MODELING_API_KEY: z.string().min(16, 'must be at least 16 characters').optional(),
  MODELING_RECS_DEFAULT_K: envInt(10, 1, 1000),
  MODELING_RECS_MAX_K: envInt(100, 1, 1000),
  MODELING_RECS_MODEL: z
    .string()
    .default('hybrid')
    .refine((v) => isModelName(v) && v !== 'svd' && v !== 'popularity', {
      message: `must be one of ${MODEL_NAMES.filter((m) => m !== 'svd' && m !== 'popularity').join(', ')} (models with item neighbours)`,
    }),
  MODELING_RECS_SETTINGS: z.string().optional(),
  MODELING_SIMILARITY_K: envInt(50, 1, 1000),
  MODELING_SIMILARITY_INTERVAL_MS: envInt(60_000, 0),
  MODELING_RECS_PEOPLE: envInt(1_000_000, 1),
  MODELING_SEGMENT_RULES_FILE: z.string().optional(),
  MODELING_TICK_INTERVAL_MS: envInt(60_000, 0),
  MODELING_PREDICTION_MODEL_FILE: z.string().optional(),
  MODELING_CONSENT_CATEGORY: z.string().trim().default('personalization'),
  PULSE_REGULATIONS_MAX_SUBJECTS: envInt(DEFAULT_MAX_REGULATED_SUBJECTS, 1),
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
    dedupWindow: e.MODELING_DEDUP_WINDOW,
    heapGrowingPercent: e.MODELING_HEAP_GROWING_PERCENT,
    api: {
      port: e.MODELING_API_PORT,
      host: e.MODELING_API_HOST,
      apiKey: e.MODELING_API_KEY,
      defaultK: Math.min(e.MODELING_RECS_DEFAULT_K, e.MODELING_RECS_MAX_K),
      maxK: e.MODELING_RECS_MAX_K,
    },
    recs: {
      model: e.MODELING_RECS_MODEL as ModelName,
      settings: e.MODELING_RECS_SETTINGS ? readJson('MODELING_RECS_SETTINGS', e.MODELING_RECS_SETTINGS) : {},
      similarityK: e.MODELING_SIMILARITY_K,
      similarityIntervalMs: e.MODELING_SIMILARITY_INTERVAL_MS,
      people: e.MODELING_RECS_PEOPLE,
    },
    segments: {
      rules: e.MODELING_SEGMENT_RULES_FILE
        ? checkRules(readJsonFile('MODELING_SEGMENT_RULES_FILE', e.MODELING_SEGMENT_RULES_FILE))
        : EXAMPLE_SEGMENT_RULES,
      tickIntervalMs: e.MODELING_TICK_INTERVAL_MS,
      predictionModel: e.MODELING_PREDICTION_MODEL_FILE
        ? checkedModel(readJsonFile('MODELING_PREDICTION_MODEL_FILE', e.MODELING_PREDICTION_MODEL_FILE))
        : null,
    },
    ...(e.MODELING_CONSENT_CATEGORY ? { consentCategory: e.MODELING_CONSENT_CATEGORY } : {}),
    regulations: {
      groupId: `${e.MODELING_GROUP_ID}-regulations`,
      maxSubjects: e.PULSE_REGULATIONS_MAX_SUBJECTS,
    },
  };
}

function readJson<T>(variable: string, text: string): T {
  try {
    return JSON.parse(text) as T;
  } catch (err) {
    throw new ConfigError(
      `modeling: ${variable} must be JSON (${err instanceof Error ? err.message : String(err)})`,
    );
  }
}

function readJsonFile(variable: string, path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(
      `modeling: ${variable} names ${path}, which cannot be read (${err instanceof Error ? err.message : String(err)})`,
    );
  }
  return readJson(variable, text);
}

/** Rules are checked here so a bad file stops the start with every bad field named. */
function checkRules(rules: unknown): unknown {
  parseSegmentRules(rules);
  return rules;
}

function checkedModel(json: unknown): PredictionModelJson {
  try {
    return checkPredictionModel(json as PredictionModelJson);
  } catch (err) {
    throw new ConfigError(
      `modeling: MODELING_PREDICTION_MODEL_FILE does not hold a prediction model (${err instanceof Error ? err.message : String(err)}); write one with pnpm pulse eval segments --save-model FILE`,
    );
  }
}
