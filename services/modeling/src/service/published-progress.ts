import { randomUUID } from 'node:crypto';
import { PulseError } from '@pulse/common';
import type { Kafka, Transaction } from 'kafkajs';

export class ProgressUnreadableError extends PulseError {
  constructor(topic: string, cause: string) {
    super(
      'PULSE_SEGMENT_PROGRESS_UNREADABLE',
      `could not read how far segment changes were published from ${topic}: ${cause}. Check that Kafka is reachable and the topic exists (pnpm pulse topics), then restart the modeling worker`,
    );
  }
}

/** The key under which `worker` records the seq of the last change it published. */
export function progressKey(worker: string): string {
  return `progress:${worker}`;
}

/** Adds "published up to `seq`" to a transaction, beside the changes it covers. */
export async function sendProgress(
  txn: Transaction,
  topic: string,
  worker: string,
  seq: number,
): Promise<void> {
  await txn.send({ topic, messages: [{ key: progressKey(worker), value: String(seq) }] });
}

/**
 * The seq of the last change `worker` published, read back from the progress topic after fencing:
 * `txn` (the first transaction of a freshly initialised transactional producer, so every older
 * transaction is committed or aborted by now) writes a fresh sync marker; the topic is then read
 * with read_committed from the start (it is compacted) up to that marker. The last progress record
 * before it is the answer: it was committed together with the changes it counts.
 */
export async function readPublishedSeq(
  kafka: Kafka,
  txn: Transaction,
  topic: string,
  worker: string,
  timeoutMs = 60_000,
): Promise<number> {
  const nonce = randomUUID();
  await txn.send({ topic, messages: [{ key: `sync:${worker}`, value: nonce }] });
  await txn.commit();

  const groupId = `${worker}-progress-${nonce}`;
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100, readUncommitted: false });
  let published = 0;
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new ProgressUnreadableError(topic, `no sync marker within ${timeoutMs} ms`)),
        timeoutMs,
      );
      consumer
        .run({
          eachMessage: async ({ message }) => {
            const key = message.key?.toString();
            const value = message.value?.toString() ?? '';
            if (key === progressKey(worker)) {
              const seq = Number(value);
              if (Number.isSafeInteger(seq)) published = seq;
            } else if (key === `sync:${worker}` && value === nonce) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch((err: unknown) => {
          clearTimeout(timer);
          reject(new ProgressUnreadableError(topic, err instanceof Error ? err.message : String(err)));
        });
    });
  } finally {
    await consumer.disconnect().catch(() => undefined);
    const admin = kafka.admin();
    await admin
      .connect()
      .then(() => admin.deleteGroups([groupId]))
      .catch(() => undefined)
      .finally(() => admin.disconnect());
  }
  return published;
}
