import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { createLogger } from '@pulse/common';
import { createKafka, deletePrefixTopics } from '@pulse/kafka';
import type { Kafka } from 'kafkajs';

/** A run of its own: fresh topics, group and embedded data directory, removed afterwards. */
export interface BenchRun {
  id: string;
  env: Record<string, string | undefined>;
  kafka: Kafka;
  prefix: string;
  groupId: string;
  database: string;
  chdbPath: string;
  cleanup(): Promise<void>;
}

export function benchRun(name: string, base: Record<string, string | undefined>): BenchRun {
  const id = `${name}-${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  const prefix = `pulse-bench-${id}`;
  const groupId = `${prefix}-ingest`;
  const chdbPath = base['CHDB_PATH'] ?? `.pulse/bench/chdb-${id}`;
  const brokers = (base['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(',');
  const kafka = createKafka(
    { brokers, clientId: 'pulse-bench' },
    createLogger({ service: 'bench', level: 'error' }),
  );
  const database = 'pulse';
  return {
    id,
    prefix,
    groupId,
    database,
    chdbPath,
    kafka,
    env: {
      ...base,
      KAFKA_TOPIC_PREFIX: prefix,
      INGEST_GROUP_ID: groupId,
      CHDB_PATH: chdbPath,
      CLICKHOUSE_DATABASE: database,
      COLLECTOR_PORT: '0',
      INGEST_METRICS_PORT: '0',
      PULSE_WRITE_KEYS: 'bench-key:bench',
      INGEST_LOG_LEVEL: 'error',
      COLLECTOR_LOG_LEVEL: 'error',
    },
    async cleanup() {
      await deletePrefixTopics(kafka, prefix);
      if (!base['CHDB_PATH']) rmSync(chdbPath, { recursive: true, force: true });
    },
  };
}
