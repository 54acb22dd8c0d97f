import {
  encodeStoredEvent,
  groupIntoRecords,
  type StoredEvent,
  toStoredEvent,
  validateEvent,
} from '@pulse/events';
import { createIdempotentProducer } from '@pulse/kafka';
import { type OccasionJob, occasionJobId } from '@pulse/trigger';
import { type ConnectionOptions, Queue } from 'bullmq';
import type { Kafka } from 'kafkajs';
import { ENQUEUE_CAMPAIGN, ENQUEUE_EVENT } from './trigger-setup.js';

/** As many jobs per addBulk as the trigger's event consumer adds at once. */
const CHUNK = 500;
const PEOPLE = 1000;

/** Every BullMQ job state: a job the trigger created is in one of them (completed ones are kept). */
const STATES = ['waiting', 'active', 'completed', 'failed', 'delayed', 'prioritized', 'paused'] as const;

export function redisConnection(redisUrl: string): ConnectionOptions {
  const u = new URL(redisUrl);
  return {
    host: u.hostname,
    port: Number(u.port || 6379),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    maxRetriesPerRequest: null,
  };
}

/** `n` stored events of the enqueue campaign's event, as the collector would write them. */
export function enqueueEvents(runId: string, n: number): StoredEvent[] {
  const receivedAt = new Date();
  return Array.from({ length: n }, (_, i) => {
    const v = validateEvent(
      {
        type: 'track',
        event: ENQUEUE_EVENT,
        userId: `bench-enqueue-${i % PEOPLE}`,
        messageId: `${runId}-enqueue-${i}`,
        timestamp: receivedAt.toISOString(),
        properties: { product_id: '85123A', price: 2.55, quantity: 1 },
      },
      { receivedAt },
    );
    if (!v.ok) throw new Error(`bench enqueue event is invalid: ${JSON.stringify(v.problems)}`);
    return toStoredEvent(v.value, { receivedAt, sourceId: 'bench' });
  });
}

/** Writes events to the events topic as the collector does: one record per person, one line per event. */
export async function produceEvents(kafka: Kafka, topic: string, events: StoredEvent[]): Promise<void> {
  const producer = createIdempotentProducer(kafka);
  await producer.connect();
  try {
    const records = groupIntoRecords(
      events.map((e) => {
        const line = encodeStoredEvent(e);
        return { key: e.user_key, line, bytes: Buffer.byteLength(line) };
      }),
    );
    // Sends of a few hundred kilobytes: one request of everything would pass the broker's message size limit.
    for (let i = 0; i < records.length; i += 50) {
      const messages = records.slice(i, i + 50).map((r) => ({ key: r.key, value: r.value }));
      await producer.send({ topic, acks: -1, messages });
    }
  } finally {
    await producer.disconnect();
  }
}

/**
 * The baseline: the same occasion jobs (same ids, data and options as the
 * trigger's) added by a bare addBulk loop to a queue nobody works on.
 * Returns jobs per second.
 */
export async function bareAddBulkRate(
  connection: ConnectionOptions,
  prefix: string,
  events: StoredEvent[],
): Promise<number> {
  const queue = new Queue<OccasionJob>('bench-bare-addbulk', { connection, prefix });
  try {
    const jobs = events.map((e) => {
      const occasion = `event-${e.message_id}`;
      const data: OccasionJob = {
        campaignId: ENQUEUE_CAMPAIGN,
        person: e.user_key,
        occasion,
        event: {
          message_id: e.message_id,
          event: e.event,
          timestamp: e.timestamp,
          received_at: e.received_at,
          properties: e.properties,
          traits: e.traits,
          context: e.context,
        },
      };
      return {
        name: 'occasion',
        data,
        opts: {
          jobId: occasionJobId(ENQUEUE_CAMPAIGN, e.user_key, occasion),
          delay: 0,
          attempts: 10,
          backoff: { type: 'exponential', delay: 500, jitter: 0.5 },
          removeOnComplete: { age: 3600 },
          removeOnFail: { age: 3600 },
        },
      };
    });
    const started = performance.now();
    for (let i = 0; i < jobs.length; i += CHUNK) await queue.addBulk(jobs.slice(i, i + CHUNK));
    const seconds = (performance.now() - started) / 1000;
    return jobs.length / seconds;
  } finally {
    await queue.obliterate({ force: true });
    await queue.close();
  }
}

async function jobCount(queue: Queue): Promise<number> {
  const counts = await queue.getJobCounts(...STATES);
  return Object.values(counts).reduce((s, n) => s + n, 0);
}

/**
 * Jobs per second the trigger service creates: the occasion queue's job
 * count is polled from the first new job to the `expected`-th, so the
 * consumer group's joining is not counted, and the jobs seen at the first
 * poll are left out of the rate.
 */
export async function triggerEnqueueRate(
  queue: Queue,
  expected: number,
  timeoutMs: number,
): Promise<{ jobsPerS: number; seconds: number }> {
  const before = await jobCount(queue);
  const deadline = Date.now() + timeoutMs;
  let first: { at: number; jobs: number } | undefined;
  for (;;) {
    const jobs = (await jobCount(queue)) - before;
    const at = performance.now();
    if (!first && jobs > 0) first = { at, jobs };
    if (first && jobs >= expected) {
      const seconds = (at - first.at) / 1000;
      return { jobsPerS: (jobs - first.jobs) / seconds, seconds };
    }
    if (Date.now() > deadline) {
      throw new Error(`trigger bench: ${jobs} of ${expected} occasion jobs created within ${timeoutMs} ms`);
    }
    await new Promise((r) => setTimeout(r, 10));
  }
}
