import { backoffMs, errorMessage, sleep } from '@pulse/common';
import type { Kafka, Message, Producer, TopicMessages } from 'kafkajs';
import type { Logger } from 'pino';
import { createIdempotentProducer } from './client.js';
import { KafkaUnavailableError, ProducerBackpressureError } from './errors.js';

export interface BatchingProducerOptions {
  kafka: Kafka;
  logger: Logger;
  /** Upper bound of bytes accepted but not yet acknowledged; beyond it send() refuses. */
  maxPendingBytes: number;
  /** One produce request carries at most this many messages. */
  maxBatchMessages: number;
  /**
   * One produce request carries at most about this many bytes (default
   * DEFAULT_MAX_BATCH_BYTES). The broker refuses a partition's batch above
   * message.max.bytes (1 MiB by default) and that failure would fail every
   * caller grouped with it, so requests stay below it whatever lands in one
   * partition; a caller's messages above it go in several requests.
   */
  maxBatchBytes?: number;
  /** A batch not acknowledged within this time fails with KafkaUnavailableError. */
  sendTimeoutMs: number;
  /** Observes every produce request (for metrics). */
  onFlush?: (info: { messages: number; bytes: number; seconds: number; ok: boolean }) => void;
}

interface Pending {
  topic: string;
  messages: Message[];
  bytes: number;
  resolve: () => void;
  reject: (err: Error) => void;
}

type State = 'connecting' | 'ready' | 'broken' | 'closed';

/** Below the broker's default message.max.bytes (1,048,588) with room for per-record overhead. */
export const DEFAULT_MAX_BATCH_BYTES = 900 * 1024;

/** Kafka's per-record framing (length, attributes, deltas, key and value lengths, headers count), at most. */
const RECORD_OVERHEAD_BYTES = 24;

/**
 * An idempotent, acks=all producer that groups the messages of concurrent
 * callers into one produce request (group commit): while one request is in
 * flight the next one fills up, so batches grow with load without a linger
 * timer. Each caller's promise settles only when Kafka acknowledged its own
 * messages, which is what lets the collector answer 200 honestly.
 *
 * After a failed request the kafkajs producer is replaced, because its
 * idempotence sequence numbers can no longer be trusted; until the new one
 * connects, send() fails fast so HTTP clients get 503 instead of waiting.
 */
export class BatchingProducer {
  private producer: Producer | undefined;
  private state: State = 'connecting';
  private queue: Pending[] = [];
  private pendingBytes = 0;
  private inFlight: Promise<void> | undefined;
  private reconnecting: Promise<void> | undefined;
  private lastError = '';
  private readonly stopSignal = new AbortController();

  constructor(private readonly options: BatchingProducerOptions) {}

  /** Connects, retrying until it works or close() is called. */
  async connect(): Promise<void> {
    await this.reconnect();
  }

  get ready(): boolean {
    return this.state === 'ready';
  }

  get status(): { state: State; lastError: string; pendingBytes: number } {
    return { state: this.state, lastError: this.lastError, pendingBytes: this.pendingBytes };
  }

  send(topic: string, messages: Message[]): Promise<void> {
    if (this.state === 'closed') return Promise.reject(new KafkaUnavailableError('producer is closed'));
    if (this.state !== 'ready') {
      return Promise.reject(
        new KafkaUnavailableError(`Kafka is not reachable (${this.lastError || this.state}); retry later`),
      );
    }
    let bytes = 0;
    for (const m of messages) bytes += sizeOf(m.value) + sizeOf(m.key);
    if (this.pendingBytes + bytes > this.options.maxPendingBytes && this.pendingBytes > 0) {
      return Promise.reject(new ProducerBackpressureError(this.pendingBytes, this.options.maxPendingBytes));
    }
    this.pendingBytes += bytes;
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ topic, messages, bytes, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    if (this.inFlight || this.queue.length === 0 || this.state !== 'ready') return;
    const batch = this.takeBatch();
    this.inFlight = this.flush(batch).finally(() => {
      this.inFlight = undefined;
      this.pump();
    });
  }

  private takeBatch(): Pending[] {
    const batch: Pending[] = [];
    const maxBytes = this.options.maxBatchBytes ?? DEFAULT_MAX_BATCH_BYTES;
    let count = 0;
    let bytes = 0;
    while (this.queue.length > 0) {
      const next = this.queue[0]!;
      if (
        batch.length > 0 &&
        (count + next.messages.length > this.options.maxBatchMessages || bytes + framed(next) > maxBytes)
      ) {
        break;
      }
      batch.push(next);
      count += next.messages.length;
      bytes += framed(next);
      this.queue.shift();
    }
    return batch;
  }

  private async flush(batch: Pending[]): Promise<void> {
    const maxBytes = this.options.maxBatchBytes ?? DEFAULT_MAX_BATCH_BYTES;
    try {
      // Usually one request; several only when one caller alone brought more than maxBytes. A failed
      // one fails the whole batch: callers send again, and the messageIds make the repeats harmless.
      for (const request of splitRequests(batch, maxBytes)) await this.produce(request);
      this.settle(batch, undefined);
    } catch (err) {
      const failure = new KafkaUnavailableError(`Kafka did not store the events: ${errorMessage(err)}`, err);
      this.settle(batch, failure);
      this.markBroken(errorMessage(err));
    }
  }

  private async produce(request: ProduceRequest): Promise<void> {
    const topicMessages: TopicMessages[] = [...request.byTopic].map(([topic, msgs]) => ({
      topic,
      messages: msgs,
    }));
    const { messages, bytes } = request;
    const started = performance.now();
    const producer = this.producer;
    try {
      if (!producer) throw new Error('no producer');
      await withTimeout(
        producer.sendBatch({ topicMessages, acks: -1 }),
        this.options.sendTimeoutMs,
        `Kafka did not acknowledge ${messages} messages within ${this.options.sendTimeoutMs} ms`,
      );
      this.options.onFlush?.({ messages, bytes, seconds: (performance.now() - started) / 1000, ok: true });
    } catch (err) {
      this.options.onFlush?.({ messages, bytes, seconds: (performance.now() - started) / 1000, ok: false });
      throw err;
    }
  }

  private settle(batch: Pending[], err: Error | undefined): void {
    for (const p of batch) {
      this.pendingBytes -= p.bytes;
      if (err) p.reject(err);
      else p.resolve();
    }
  }

  private markBroken(reason: string): void {
    if (this.state === 'closed') return;
    this.state = 'broken';
    this.lastError = reason;
    this.options.logger.warn({ reason }, 'Kafka producer failed; reconnecting');
    const waiting = this.queue;
    this.queue = [];
    this.settle(waiting, new KafkaUnavailableError(`Kafka is not reachable (${reason}); retry later`));
    void this.reconnect();
  }

  private reconnect(): Promise<void> {
    this.reconnecting ??= (async () => {
      const old = this.producer;
      this.producer = undefined;
      if (old) await old.disconnect().catch(() => undefined);
      for (let attempt = 0; !this.stopSignal.signal.aborted; attempt++) {
        const producer = createIdempotentProducer(this.options.kafka, {
          // Bounded, so a dead broker turns into a 503 within seconds; the
          // producer is replaced after a failure, so idempotence stays sound.
          retry: { retries: 3, initialRetryTime: 100, maxRetryTime: 1000 },
        });
        try {
          await producer.connect();
          if (this.stopSignal.signal.aborted) {
            await producer.disconnect();
            return;
          }
          this.producer = producer;
          this.state = 'ready';
          this.lastError = '';
          if (attempt > 0) this.options.logger.info({ attempt }, 'Kafka producer reconnected');
          this.pump();
          return;
        } catch (err) {
          this.lastError = errorMessage(err);
          await producer.disconnect().catch(() => undefined);
          await sleep(backoffMs(attempt, 250, 5000), this.stopSignal.signal);
        }
      }
    })().finally(() => {
      this.reconnecting = undefined;
    });
    return this.reconnecting;
  }

  /** Stops taking messages, waits for what is in flight, then disconnects. */
  async close(): Promise<void> {
    if (this.state === 'closed') return;
    while (this.queue.length > 0 || this.inFlight) {
      if (this.state !== 'ready') break;
      await this.inFlight;
      if (!this.inFlight && this.queue.length > 0) this.pump();
    }
    this.state = 'closed';
    this.stopSignal.abort();
    const waiting = this.queue;
    this.queue = [];
    this.settle(waiting, new KafkaUnavailableError('producer closed before Kafka acknowledged'));
    await this.reconnecting;
    await this.producer?.disconnect().catch(() => undefined);
    this.producer = undefined;
  }
}

interface ProduceRequest {
  byTopic: Map<string, Message[]>;
  messages: number;
  bytes: number;
}

function framed(p: Pending): number {
  return p.bytes + p.messages.length * RECORD_OVERHEAD_BYTES;
}

/** The batch's messages, in order, as produce requests of at most `maxBytes` (a larger message goes alone). */
function splitRequests(batch: Pending[], maxBytes: number): ProduceRequest[] {
  const requests: ProduceRequest[] = [];
  let current: ProduceRequest = { byTopic: new Map(), messages: 0, bytes: 0 };
  let framedBytes = 0;
  for (const p of batch) {
    for (const m of p.messages) {
      const size = sizeOf(m.value) + sizeOf(m.key);
      if (current.messages > 0 && framedBytes + size + RECORD_OVERHEAD_BYTES > maxBytes) {
        requests.push(current);
        current = { byTopic: new Map(), messages: 0, bytes: 0 };
        framedBytes = 0;
      }
      const list = current.byTopic.get(p.topic);
      if (list) list.push(m);
      else current.byTopic.set(p.topic, [m]);
      current.messages++;
      current.bytes += size;
      framedBytes += size + RECORD_OVERHEAD_BYTES;
    }
  }
  if (current.messages > 0) requests.push(current);
  return requests;
}

function sizeOf(v: Message['value'] | Message['key']): number {
  if (v == null) return 0;
  // Bytes, not UTF-16 units: the broker's limit is in bytes and events may hold any script.
  return typeof v === 'string' ? Buffer.byteLength(v) : v.length;
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(message)), ms);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}
