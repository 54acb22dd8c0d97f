import { errorMessage, type Logger, sleep } from '@pulse/common';
import { decodeStoredEvent, type StoredEvent, splitRecord } from '@pulse/events';
import type { Consumer, EachBatchPayload } from 'kafkajs';
import { RecentIds } from '../segments/dedup-ids.js';
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
  /**
   * Runs after each checkpoint is written and its offsets committed: the place to publish what the
   * checkpoint made durable (segment changes). When it throws, another checkpoint follows at the
   * next interval, so it is retried.
   */
  afterCheckpoint?: (version: number) => Promise<void>;
  /**
   * Message ids remembered to apply an event sent twice once (a client retrying a request it got no
   * answer to; the collector is at least once). Part of the checkpoint. 0: no deduplication.
   */
  dedupWindow?: number;
  /**
   * Why an event must not reach the models (its consent refuses modelling, its person is deleted or
   * suppressed), or undefined to apply it. Counted in pulse_model_excluded_events_total.
   */
  exclude?: (event: StoredEvent) => ExclusionReason | undefined;
}

export type ExclusionReason = 'consent' | 'regulation';

/** The checkpoint state's key for the deduplication window (not a model name: those have no "__"). */
const RECENT_IDS = '__recent_message_ids';

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
  private recent: RecentIds | undefined;

  constructor(private readonly o: ModelingConsumerOptions) {
    if (o.dedupWindow) this.recent = new RecentIds(o.dedupWindow);
  }

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

  /**
   * Records that the models changed without an event (time passing, a scheduled refit), so that a
   * checkpoint follows. Call it from the same tick as the change.
   */
  markChanged(): void {
    this.sinceCheckpoint += 1;
  }

  get stats(): { events: number; version: number } {
    return { events: this.events, version: this.version };
  }

  private restore(checkpoint: Checkpoint): void {
    for (const model of this.o.models) {
      if (model.name in checkpoint.state) model.restore(checkpoint.state[model.name]);
    }
    const ids = checkpoint.state[RECENT_IDS];
    if (this.o.dedupWindow && Array.isArray(ids))
      this.recent = RecentIds.from(ids as string[], this.o.dedupWindow);
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
    const lines = value ? splitRecord(value.toString('utf8')) : [];
    // A record with no event (a null or empty value) is skipped too: ingest dead-letters it.
    if (lines.length === 0) this.o.metrics.skipped.inc();
    for (const line of lines) {
      // Ingest dead-letters what does not decode; the models skip it.
      const decoded = decodeStoredEvent(line);
      if (!decoded.ok) {
        this.o.metrics.skipped.inc();
        continue;
      }
      const excluded = this.o.exclude?.(decoded.value);
      if (excluded !== undefined) {
        this.o.metrics.excluded.inc({ reason: excluded });
        continue;
      }
      if (this.recent && !this.recent.add(decoded.value.message_id)) {
        this.o.metrics.duplicates.inc();
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
   * Forgets people in every model (a deletion request) and writes a checkpoint without them;
   * resolves with its version, from which older versions may be purged. A checkpoint being written
   * when this is called may hold them, so the new one is taken after it.
   */
  async forget(keys: readonly string[]): Promise<{ version: number; forgotten: boolean }> {
    let forgotten = false;
    for (const model of this.o.models) {
      for (const key of keys) if (model.forget?.(key)) forgotten = true;
    }
    this.markChanged();
    await this.writing?.catch(() => undefined);
    await this.checkpoint();
    return { version: this.version, forgotten };
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
    if (this.recent) state[RECENT_IDS] = this.recent.toJSON();
    const version = this.version + 1;
    const events = this.events;
    const row = this.o.store.encode(version, offsets, state, events);
    const taken = this.sinceCheckpoint;
    const started = performance.now();
    this.writing = (async () => {
      try {
        await this.o.store.write(version, row);
        this.version = version;
        this.sinceCheckpoint -= taken;
        this.o.metrics.checkpointSeconds.observe((performance.now() - started) / 1000);
        this.o.metrics.checkpointBytes.set(row.length);
        await this.o.consumer
          .commitOffsets(
            Object.entries(offsets[this.o.topic]!).map(([partition, offset]) => ({
              topic: this.o.topic,
              partition: Number(partition),
              offset,
            })),
          )
          .catch((err: unknown) => this.o.logger.warn({ err: errorMessage(err) }, 'offset commit failed'));
        if (this.o.afterCheckpoint) {
          await this.o.afterCheckpoint(version).catch((err: unknown) => {
            this.sinceCheckpoint += 1;
            this.o.logger.warn(
              { err: errorMessage(err), version },
              'after-checkpoint step failed; will retry',
            );
          });
        }
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
