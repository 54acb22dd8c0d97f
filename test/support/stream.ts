import { sleep } from '@pulse/common';
import { consumerLag, createIdempotentProducer } from '@pulse/kafka';
import type { Kafka, Message, Producer } from 'kafkajs';
import type { ChildService } from './child.js';
import { storedEvents } from './events.js';

/** Messages number `from` to `to` (1-based, inclusive) of a stream. */
export type MessageSource = (from: number, to: number) => Message[];

/**
 * A steady stream of stored events (m-000001, m-000002, … unless another
 * source is given) into a topic, for fault tests that kill a service while
 * events flow.
 */
export class EventStream {
  produced = 0;

  private constructor(
    private readonly producer: Producer,
    private readonly topic: string,
    private readonly chunk: number,
    private readonly pauseMs: number,
    private readonly source: MessageSource,
  ) {}

  static async open(
    kafka: Kafka,
    topic: string,
    chunk: number,
    pauseMs: number,
    source: MessageSource = storedEvents,
  ): Promise<EventStream> {
    const producer = createIdempotentProducer(kafka);
    await producer.connect();
    return new EventStream(producer, topic, chunk, pauseMs, source);
  }

  /** Produces the events up to number `to`, a chunk at a time. */
  async until(to: number): Promise<void> {
    while (this.produced < to) {
      const last = Math.min(this.produced + this.chunk, to);
      await this.producer.send({
        topic: this.topic,
        acks: -1,
        messages: this.source(this.produced + 1, last),
      });
      this.produced = last;
      await sleep(this.pauseMs);
    }
  }

  close(): Promise<void> {
    return this.producer.disconnect();
  }
}

/** Records of the topic below the group's committed offsets. */
export async function committedRecords(kafka: Kafka, groupId: string, topic: string): Promise<number> {
  return (await consumerLag(kafka, groupId, topic)).reduce((sum, p) => sum + Math.max(0, p.committed), 0);
}

/** Polls `check` until it holds; fails early, with the child's output, if the child exits. */
export async function waitWhileRunning(
  check: () => Promise<boolean>,
  timeoutMs: number,
  what: string,
  child: ChildService,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (child.process.exitCode !== null)
      throw new Error(`service exited while waiting for ${what}:\n${child.output()}`);
    if (Date.now() > deadline) throw new Error(`no ${what} after ${timeoutMs} ms:\n${child.output()}`);
    await sleep(100);
  }
}
