import { sleep } from '@pulse/common';
import { consumerLag } from '@pulse/kafka';
import type { Kafka } from 'kafkajs';

/**
 * Waits until the consumer group has committed everything in the topic.
 * Ingest commits only after the insert, so lag 0 means every record is in
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
      throw new Error(`consumer group ${groupId} still has ${lag} records to process on ${topic} after ${options.timeoutMs} ms`);
    }
    await sleep(250);
  }
}
