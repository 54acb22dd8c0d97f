import { errorMessage, type Logger, sleep } from '@pulse/common';
import { decodeStoredEvent, splitRecord } from '@pulse/events';
import type { Consumer, EachBatchPayload } from 'kafkajs';
import type { Checkpoint, CheckpointStore, Offsets } from './checkpoint-store.js';
import type { ModelingMetrics } from './metrics.js';
import type { IncrementalModel } from './model.js';

export interface ModelingConsumerOptions {
  consumer: Consumer;
  topic: string;
  models: IncrementalModel[];
  store: CheckpointStore;
  logger: Logger;
  metrics: ModelingMetrics;
  /** A checkpoint is written this often while events arrive. */
  checkpointIntervalMs: number;
}

/**
 * Applies every event of the events topic to the models, exactly once
 * across crashes: the state and the offsets it reflects are checkpointed
 * together, Kafka offsets are committed only after a checkpoint, and after a
 * restart the records below the checkpoint's offsets are skipped (Kafka
 * redelivers from the last commit, which is never ahead of the checkpoint).
 *
 * One worker owns the whole state, so run one instance per consumer group.
 */
export class ModelingConsumer {
  private next = new Map<number, bigint>();
  private version = 0;
  private events = 0;
  private sinceCheckpoint = 0;
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> | undefined;
  private closing = false;

  constructor(private readonly o: ModelingConsumerOptions) {}

  /** Restores the newest checkpoint, then consumes. */
  async run(): Promise<void> {
    const checkpoint = await this.o.store.latest();
    if (checkpoint) this.restore(checkpoint);
    await this.o.consumer.subscribe({ topic: this.o.topic, fromBeginning: true });
    await this.o.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: (payload) => this.eachBatch(payload),
    });
    this.timer = setInterval(() => {
      if (this.sinceCheckpoint > 0 && !this.writing) void this.checkpoint().catch(() => undefined);
    }, this.o.checkpointIntervalMs);
  }

  get stats(): { events: number; version: number } {
    return { events: this.events, version: this.version };
  }

  private restore(checkpoint: Checkpoint): void {
    for (const model of this.o.models) {
      if (model.name in checkpoint.state) model.restore(checkpoint.state[model.name]);
    }
    for (const [partition, offset] of Object.entries(checkpoint.offsets[this.o.topic] ?? {})) {
      this.next.set(Number(partition), BigInt(offset));
    }
    this.version = checkpoint.version;
    this.events = checkpoint.events;
    this.o.logger.info({ version: checkpoint.version, events: checkpoint.events }, 'restored checkpoint');
  }

  private async eachBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload) {
    const partition = batch.partition;
    for (const message of batch.messages) {
      if (!isRunning() || isStale() || this.closing) return;
      const offset = BigInt(message.offset);
      const expected = this.next.get(partition);
      // Already in the state: Kafka redelivers from the last commit, which
      // may be behind the checkpoint.
      if (expected !== undefined && offset < expected) {
        resolveOffset(message.offset);
        continue;
      }
      this.applyRecord(message.value);
      this.next.set(partition, offset + 1n);
      resolveOffset(message.offset);
    }
    await heartbeat();
  }

  private applyRecord(value: Buffer | null): void {
    if (!value) return;
    for (const line of splitRecord(value.toString('utf8'))) {
      // Ingest dead-letters what does not decode; the models skip it.
      const decoded = decodeStoredEvent(line);
      if (!decoded.ok) {
        this.o.metrics.skipped.inc();
        continue;
      }
      const received = Date.parse(decoded.value.received_at);
      for (const model of this.o.models) {
        model.apply(decoded.value);
        this.o.metrics.models.updated(model.name);
        this.o.metrics.models.reflects(model.name, received);
      }
      this.events++;
      this.sinceCheckpoint++;
    }
  }

  /**
   * Snapshots every model and the offsets synchronously (one consistent
   * cut), writes them, then commits the offsets to Kafka.
   */
  checkpoint(): Promise<void> {
    if (this.writing) return this.writing;
    const offsets: Offsets = { [this.o.topic]: {} };
    for (const [partition, offset] of this.next) offsets[this.o.topic]![String(partition)] = String(offset);
    const state: Record<string, unknown> = {};
    for (const model of this.o.models) state[model.name] = model.snapshot();
    const serialized = JSON.stringify(state);
    const version = this.version + 1;
    const events = this.events;
    const taken = this.sinceCheckpoint;
    const started = performance.now();
    this.writing = (async () => {
      try {
        await this.o.store.write(version, offsets, serialized, events);
        this.version = version;
        this.sinceCheckpoint -= taken;
        this.o.metrics.checkpointSeconds.observe((performance.now() - started) / 1000);
        this.o.metrics.checkpointBytes.set(serialized.length);
        await this.o.consumer
          .commitOffsets(
            Object.entries(offsets[this.o.topic]!).map(([partition, offset]) => ({
              topic: this.o.topic,
              partition: Number(partition),
              offset,
            })),
          )
          .catch((err: unknown) => this.o.logger.warn({ err: errorMessage(err) }, 'offset commit failed'));
      } catch (err) {
        this.o.metrics.checkpointFailures.inc();
        this.o.logger.warn({ err: errorMessage(err), version }, 'checkpoint failed; will retry');
        throw err;
      } finally {
        this.writing = undefined;
      }
    })();
    return this.writing;
  }

  /** Stops consuming, writes a last checkpoint, leaves the group. */
  async close(): Promise<void> {
    this.closing = true;
    if (this.timer) clearInterval(this.timer);
    this.o.consumer.pause([{ topic: this.o.topic }]);
    await this.writing?.catch(() => undefined);
    for (let attempt = 0; attempt < 3 && this.sinceCheckpoint > 0; attempt++) {
      try {
        await this.checkpoint();
      } catch {
        await sleep(500);
      }
    }
    await this.o.consumer.disconnect();
  }
}
