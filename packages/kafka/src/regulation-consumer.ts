import { backoffMs, errorMessage, type Logger, sleep } from '@pulse/common';
import { decodeRegulation, type RegulationRecord } from '@pulse/events';
import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import type { RegulationLog } from './regulation-log.js';

export interface RegulationConsumerOptions {
  kafka: Kafka;
  topic: string;
  /** The service's group: one instance of the service does its part of each regulation. */
  groupId: string;
  /** The instance's log: a record is handled only once the log (the filters) has applied it. */
  log: RegulationLog;
  logger: Logger;
  /** The service's part of one regulation; idempotent. Throwing retries it with backoff. */
  handle(record: RegulationRecord): Promise<void>;
}

/**
 * Does a service's part of each regulation (delete rows, forget model state, erase jobs) at least
 * once: records are handled one at a time in topic order, and an offset is committed only after its
 * record's part is done, so a crash repeats the part (which is idempotent) and never skips it. A
 * failing part is retried with backoff until it succeeds or the service closes.
 */
export class RegulationConsumer {
  private readonly consumer: Consumer;
  private readonly stop = new AbortController();
  private failure: string | undefined;
  private handled = 0;

  constructor(private readonly o: RegulationConsumerOptions) {
    this.consumer = o.kafka.consumer({
      groupId: o.groupId,
      maxWaitTimeInMs: 100,
      retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 300, maxRetryTime: 10_000 },
    });
  }

  /** Regulation records whose part this instance has done. */
  get handledRecords(): number {
    return this.handled;
  }

  /** Why the last attempt failed while it is being retried (for /readyz); undefined otherwise. */
  get lastError(): string | undefined {
    return this.failure;
  }

  async run(): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.o.topic, fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: (payload) => this.eachBatch(payload),
    });
  }

  private async eachBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload) {
    for (const message of batch.messages) {
      if (!isRunning() || isStale() || this.stop.signal.aborted) return;
      const decoded = decodeRegulation(message.value);
      // The log has logged it; there is nothing to do for a record that says nothing.
      if (decoded.ok) {
        await this.o.log.reached(batch.partition, message.offset);
        await this.attempt(decoded.value, heartbeat);
        this.handled += 1;
      }
      resolveOffset(message.offset);
      await this.consumer.commitOffsets([
        { topic: batch.topic, partition: batch.partition, offset: String(BigInt(message.offset) + 1n) },
      ]);
      await heartbeat();
    }
  }

  private async attempt(record: RegulationRecord, heartbeat: () => Promise<void>): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.o.handle(record);
        this.failure = undefined;
        return;
      } catch (err) {
        this.failure = `regulation ${record.regulationId} failed: ${errorMessage(err)}`;
        this.o.logger.warn(
          { regulationId: record.regulationId, attempt, err: errorMessage(err) },
          'regulation not applied yet; retrying',
        );
        if (this.stop.signal.aborted) throw err;
        await sleep(backoffMs(attempt, 500, 30_000), this.stop.signal);
        if (this.stop.signal.aborted) throw err;
        await heartbeat().catch(() => undefined);
      }
    }
  }

  async close(): Promise<void> {
    this.stop.abort();
    await this.consumer.disconnect();
  }
}
