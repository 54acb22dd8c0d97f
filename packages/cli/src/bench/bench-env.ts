import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { createLogger } from '@pulse/common';
import { consumerLag, createKafka, deletePrefixTopics } from '@pulse/kafka';
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
  /** Deletes the run's topics, its ingest group and `groups`, and its embedded data directory. */
  cleanup(groups?: string[]): Promise<void>;
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
      // The load comes from one source on purpose: the per-source limit would cap the figure, not the pipeline.
      COLLECTOR_RATE_LIMIT_PER_SOURCE: '0',
      INGEST_LOG_LEVEL: 'error',
      COLLECTOR_LOG_LEVEL: 'error',
    },
    async cleanup(groups = []) {
      const admin = kafka.admin();
      await admin.connect();
      // A group that never committed does not exist: nothing to delete.
      await admin.deleteGroups([groupId, ...groups]).catch(() => undefined);
      await admin.disconnect();
      await deletePrefixTopics(kafka, prefix);
      if (!base['CHDB_PATH']) rmSync(chdbPath, { recursive: true, force: true });
    },
  };
}

/** Records of `topic` the group has not committed yet, over all partitions: how far behind it is. */
export async function recordsBehind(kafka: Kafka, group: string, topic: string): Promise<number> {
  return (await consumerLag(kafka, group, topic)).reduce((n, p) => n + p.lag, 0);
}
