import { createLogger } from '@pulse/common';
import { type StoredEvent, splitRecord } from '@pulse/events';
import { createKafka, deletePrefixTopics } from '@pulse/kafka';
import type { Kafka, KafkaMessage } from 'kafkajs';
import { BROKERS, uniqueName } from './ids.js';

export function testKafka(brokers = BROKERS): Kafka {
  return createKafka({ brokers, clientId: 'pulse-test' }, createLogger({ service: 'test', level: 'error' }));
}

export interface ReadMessage {
  partition: number;
  offset: string;
  key: string | null;
  value: string | null;
  message: KafkaMessage;
}

/** Every message currently in a topic, read with a throwaway consumer group. */
export async function readTopic(kafka: Kafka, topic: string, timeoutMs = 30_000): Promise<ReadMessage[]> {
  const admin = kafka.admin();
  await admin.connect();
  const offsets = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const expected = offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
  const out: ReadMessage[] = [];
  if (expected === 0) return out;
  const consumer = kafka.consumer({ groupId: uniqueName('reader'), maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`read ${out.length} of ${expected} messages from ${topic}`)),
      timeoutMs,
    );
    void consumer.run({
      eachMessage: async ({ partition, message }) => {
        out.push({
          partition,
          offset: message.offset,
          key: message.key?.toString('utf8') ?? null,
          value: message.value?.toString('utf8') ?? null,
          message,
        });
        if (out.length >= expected) {
          clearTimeout(timer);
          resolve();
        }
      },
    });
  });
  await consumer.disconnect();
  return out;
}

/** Deletes the topics of a test's prefix. */
export async function deleteTopics(kafka: Kafka, prefix: string): Promise<void> {
  await deletePrefixTopics(kafka, prefix);
}

export interface ReadEvent extends ReadMessage {
  event: StoredEvent;
}

/** The stored events of a topic, one per line of each record, in record order. */
export async function readStoredEvents(kafka: Kafka, topic: string): Promise<ReadEvent[]> {
  return (await readTopic(kafka, topic)).flatMap((m) =>
    splitRecord(m.value ?? '').map((line) => ({ ...m, event: JSON.parse(line) as StoredEvent })),
  );
}

/**
 * Every committed message of a transactional topic (read_committed). Offsets there include the
 * transaction markers, so the count cannot come from the watermarks: read until nothing new has
 * come for `quietMs` after the consumer joined.
 */
export async function readCommitted(kafka: Kafka, topic: string, quietMs = 2000): Promise<ReadMessage[]> {
  const out: ReadMessage[] = [];
  const consumer = kafka.consumer({
    groupId: uniqueName('reader'),
    maxWaitTimeInMs: 100,
    readUncommitted: false,
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let last = Date.now();
  let joined = false;
  consumer.on(consumer.events.GROUP_JOIN, () => {
    joined = true;
    last = Date.now();
  });
  void consumer.run({
    eachMessage: async ({ partition, message }) => {
      last = Date.now();
      out.push({
        partition,
        offset: message.offset,
        key: message.key?.toString('utf8') ?? null,
        value: message.value?.toString('utf8') ?? null,
        message,
      });
    },
  });
  while (!joined || Date.now() - last < quietMs) await new Promise((r) => setTimeout(r, 100));
  await consumer.disconnect();
  return out;
}
