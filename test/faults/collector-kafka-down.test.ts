import type { Collector } from '@pulse/collector';
import { errorMessage, sleep } from '@pulse/common';
import { topicNames } from '@pulse/kafka';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { PrivateBroker } from '../support/broker.js';
import { collectorTestConfig, startTestCollector } from '../support/collector.js';
import { getCollector, postCollector } from '../support/http.js';
import { uniqueName } from '../support/ids.js';
import { readStoredEvents, testKafka } from '../support/kafka.js';

// Kafka goes away under load and comes back: the collector answers 503 (never
// hangs, never 200 for what Kafka did not store) and recovers by itself.

const REQUEST_TIMEOUT_MS = 10_000;
const broker = new PrivateBroker(19092, 19093);
const prefix = uniqueName('fault-collector');
let collector: Collector | undefined;

beforeAll(async () => {
  await broker.start();
  const base = collectorTestConfig(prefix);
  collector = await startTestCollector(prefix, {
    logLevel: 'fatal',
    kafka: { ...base.kafka, brokers: broker.brokers },
  });
});

afterAll(async () => {
  await collector?.close();
  await broker.destroy();
});

interface Answer {
  ids: string[];
  sentAt: number;
  ms: number;
  /** HTTP status, or why no answer came. */
  status: number | string;
  retryAfter: string | null;
}

/** Sends a batch of 20 new events every 50 ms without waiting for the answers, and records them. */
class Traffic {
  readonly answers: Answer[] = [];
  private running = true;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly loop: Promise<void>;

  constructor(private readonly url: string) {
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    for (let n = 0; this.running; n++) {
      const request = this.send(n);
      this.inFlight.add(request);
      void request.finally(() => this.inFlight.delete(request));
      await sleep(50);
    }
  }

  private async send(n: number): Promise<void> {
    const ids = Array.from({ length: 20 }, (_, i) => `f-${n}-${i}`);
    const batch = ids.map((messageId, i) => ({
      type: 'track',
      event: 'Tick',
      userId: `user-${i % 5}`,
      messageId,
    }));
    const sentAt = Date.now();
    const answer = (status: number | string, retryAfter: string | null = null) =>
      this.answers.push({ ids, sentAt, ms: Date.now() - sentAt, status, retryAfter });
    try {
      const res = await postCollector(this.url, '/v1/batch', { batch }, { timeoutMs: REQUEST_TIMEOUT_MS });
      answer(res.status, res.headers.get('retry-after'));
    } catch (err) {
      answer(`no answer: ${errorMessage(err)}`);
    }
  }

  since(time: number): Answer[] {
    return this.answers.filter((a) => a.sentAt >= time);
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
    await Promise.all(this.inFlight);
  }
}

async function waitFor(
  what: string,
  timeoutMs: number,
  check: () => boolean | Promise<boolean>,
): Promise<number> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(100);
  }
  return Date.now() - started;
}

const readyStatus = async () => (await getCollector(collector!.url, '/readyz')).status;

it('answers 503 while Kafka is down, recovers by itself, and acknowledged only what Kafka stored', async () => {
  const url = collector!.url;
  const traffic = new Traffic(url);
  try {
    await waitFor('first 200s', 10_000, () => traffic.answers.filter((a) => a.status === 200).length >= 10);

    await broker.stop();
    const stoppedAt = Date.now();
    await waitFor('a 503 after the broker stopped', 15_000, () =>
      traffic.since(stoppedAt).some((a) => a.status === 503),
    );
    await waitFor('/readyz 503', 15_000, async () => (await readyStatus()) === 503);
    const readyz = await getCollector(url, '/readyz');
    expect(readyz.body).toMatchObject({
      status: 'not_ready',
      reasons: [expect.stringMatching(/^kafka producer \w+: .+/)],
    });
    await sleep(2000); // keep sending while Kafka is away

    await broker.start();
    const restartedAt = Date.now();
    const recoveredIn = await waitFor('a 200 after the broker restarted', 60_000, () =>
      traffic.since(restartedAt).some((a) => a.status === 200),
    );
    await waitFor('/readyz 200', 10_000, async () => (await readyStatus()) === 200);
    const recoveredAt = Date.now();
    await sleep(1500);
    await traffic.stop();

    const answers = traffic.answers;
    const statuses = new Set(answers.map((a) => a.status));
    expect([...statuses].filter((s) => s !== 200 && s !== 503 && s !== 429)).toEqual([]);
    expect(Math.max(...answers.map((a) => a.ms))).toBeLessThan(REQUEST_TIMEOUT_MS);
    expect(answers.filter((a) => a.status !== 200).every((a) => a.retryAfter !== null)).toBe(true);
    expect(recoveredIn).toBeLessThan(60_000);
    // Once recovered it stays so.
    expect(traffic.since(recoveredAt).map((a) => a.status)).toEqual(
      traffic.since(recoveredAt).map(() => 200),
    );

    const inKafka = new Set(
      (await readStoredEvents(testKafka(broker.brokers), topicNames(prefix).events)).map(
        (m) => m.event.message_id,
      ),
    );
    const acknowledged = answers.filter((a) => a.status === 200).flatMap((a) => a.ids);
    expect(acknowledged.length).toBeGreaterThan(200);
    expect(acknowledged.filter((id) => !inKafka.has(id))).toEqual([]);
  } finally {
    await traffic.stop();
  }
}, 180_000);
