import { sleep } from '@pulse/common';
import type { Kafka } from 'kafkajs';
import type { TopicSpec } from './topics.js';

/**
 * Creates the topics that do not exist yet. With `grow`, also raises
 * partition counts that are below the catalogue (Kafka cannot shrink them):
 * that moves keys to other partitions, so per-person order holds only for
 * records written after it, and it is an operator's decision (`pnpm pulse
 * topics`), never a side effect of a service starting. Safe to run at every
 * start.
 */
export async function ensureTopics(
  kafka: Kafka,
  specs: TopicSpec[],
  options: { grow?: boolean } = {},
): Promise<{ created: string[] }> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = specs.filter((s) => !existing.has(s.name));
    if (missing.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((s) => ({
          topic: s.name,
          numPartitions: s.partitions,
          replicationFactor: 1,
          configEntries: Object.entries(s.config ?? {}).map(([name, value]) => ({ name, value })),
        })),
      });
    }
    const present = specs.filter((s) => existing.has(s.name));
    if (options.grow && present.length > 0) {
      const metadata = await admin.fetchTopicMetadata({ topics: present.map((s) => s.name) });
      const grow = present.flatMap((spec) => {
        const current = metadata.topics.find((t) => t.name === spec.name)?.partitions.length ?? 0;
        return current < spec.partitions ? [{ topic: spec.name, count: spec.partitions }] : [];
      });
      if (grow.length > 0) await admin.createPartitions({ topicPartitions: grow });
    }
    return { created: missing.map((s) => s.name) };
  } finally {
    await admin.disconnect();
  }
}

export interface PartitionLag {
  topic: string;
  partition: number;
  committed: number;
  high: number;
  lag: number;
}

/** Lag of a consumer group: committed offsets against the high watermarks. */
export async function consumerLag(kafka: Kafka, groupId: string, topic: string): Promise<PartitionLag[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [high, committed] = await Promise.all([
      admin.fetchTopicOffsets(topic),
      admin.fetchOffsets({ groupId, topics: [topic] }),
    ]);
    const committedByPartition = new Map(
      (committed[0]?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]),
    );
    return high.map((h) => {
      const highOffset = Number(h.high);
      const low = Number(h.low);
      const c = committedByPartition.get(h.partition) ?? -1;
      const effective = c < 0 ? low : c;
      return {
        topic,
        partition: h.partition,
        committed: c,
        high: highOffset,
        lag: Math.max(0, highOffset - effective),
      };
    });
  } finally {
    await admin.disconnect();
  }
}

/**
 * Waits until a consumer group has committed everything in a topic. Ingest
 * commits only after its insert, so lag 0 means every record is in
 * ClickHouse (or in the dead-letter topic).
 */
export async function waitForConsumer(
  kafka: Kafka,
  groupId: string,
  topic: string,
  options: { timeoutMs: number; onLag?: (lag: number) => void },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const lag = (await consumerLag(kafka, groupId, topic)).reduce((sum, p) => sum + p.lag, 0);
    options.onLag?.(lag);
    if (lag === 0) return;
    if (Date.now() > deadline) {
      throw new Error(
        `consumer group ${groupId} still has ${lag} records to process on ${topic} after ${options.timeoutMs} ms`,
      );
    }
    await sleep(250);
  }
}

/** Deletes every topic of a prefix (`<prefix>.*`): the topics of a test, bench or demo run. */
export async function deletePrefixTopics(kafka: Kafka, prefix: string): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(`${prefix}.`));
    if (topics.length > 0) await admin.deleteTopics({ topics, timeout: 30_000 });
    return topics;
  } finally {
    await admin.disconnect();
  }
}
