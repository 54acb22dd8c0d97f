import { errorMessage, type Logger, sleep } from '@pulse/common';
import type { JobsOptions, Queue } from 'bullmq';
import type { Consumer, ConsumerConfig, EachBatchPayload, Kafka, OffsetsByTopicPartition } from 'kafkajs';
import type { CampaignRegistry } from '../campaigns/registry.js';
import type { TriggerMetrics } from '../metrics.js';
import type { OccasionJob } from './jobs.js';

export interface GroupConsumerOptions {
  kafka: Kafka;
  consumerConfig: ConsumerConfig;
  topic: string;
  fromBeginning: boolean;
  /** For log lines: 'events consumer', 'segment-changes consumer'. */
  name: string;
  logger: Logger;
  /** Handled offsets are committed at most this often, and at close; 0: after every batch. */
  commitIntervalMs: number;
  /** Handles one batch; it resolves offsets itself, only after their work is stored. */
  eachBatch(payload: EachBatchPayload): Promise<void>;
}

/**
 * A kafkajs consumer in its own group with the trigger's discipline:
 * offsets resolved by hand (eachBatchAutoResolve off) once a batch's work is
 * stored, and committed on a timer and at close rather than after every
 * batch (kafkajs' autoCommit commits after each, which at small batches was
 * an OffsetCommit per two records); restarted after a crash unless it is
 * being closed, and `isRunning` true only while in the group. Default
 * isolation (read_committed): records of aborted transactions are never seen.
 */
export class GroupConsumer {
  private running = false;
  private closing = false;
  private readonly consumer: Consumer;
  private runPromise: Promise<void> = Promise.resolve();
  /**
   * What the consumer group resolved and has not committed (our batches' offsets, and those kafkajs
   * resolves itself past aborted transactions and commit markers); kept from the latest batch.
   */
  private uncommitted: (() => OffsetsByTopicPartition) | null = null;
  private committing: Promise<void> | null = null;
  private commitTimer: NodeJS.Timeout | undefined;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly opts: GroupConsumerOptions) {
    const retry = opts.consumerConfig.retry ?? {};
    this.consumer = opts.kafka.consumer({
      ...opts.consumerConfig,
      // kafkajs restarts a crashed consumer; one that crashed because it is being closed must stay down.
      retry: { ...retry, restartOnFailure: async () => !this.closing },
    });
  }

  get isRunning(): boolean {
    return this.running;
  }

  /**
   * Connects and subscribes, then starts consuming without waiting for the
   * group to form: after a crash the coordinator holds the partitions until
   * the dead member's session times out, and the service must answer
   * signals and health checks meanwhile. `isRunning` turns true on joining.
   */
  async run(): Promise<void> {
    const { topic, logger, name } = this.opts;
    const consumer = this.consumer;
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: this.opts.fromBeginning });
    consumer.on(consumer.events.GROUP_JOIN, () => {
      this.running = true;
    });
    consumer.on(consumer.events.CRASH, (e) => {
      this.running = false;
      logger.error({ err: errorMessage(e.payload.error), restart: e.payload.restart }, `${name} crashed`);
    });
    consumer.on(consumer.events.STOP, () => {
      this.running = false;
    });
    this.runPromise = consumer
      .run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: 2,
        eachBatch: (payload) => this.handleBatch(payload),
      })
      .catch((err: unknown) => {
        if (!this.closing) logger.error({ err: errorMessage(err) }, `${name} stopped`);
      });
    if (this.opts.commitIntervalMs > 0) {
      this.commitTimer = setInterval(() => void this.commit(), this.opts.commitIntervalMs);
      this.commitTimer.unref();
    }
  }

  private async handleBatch(payload: EachBatchPayload): Promise<void> {
    // Closing: left unresolved, for the next owner or the restart.
    if (this.closing) return;
    this.uncommitted = payload.uncommittedOffsets;
    const work = this.opts.eachBatch(payload);
    this.inFlight.add(work);
    try {
      await work;
    } finally {
      this.inFlight.delete(work);
    }
    if (this.opts.commitIntervalMs === 0) await this.commit();
  }

  /**
   * Commits the resolved offsets, if any. A failed commit (a rebalance, the broker away) is retried
   * at the next tick; what it covered is read again by whoever owns the partition next, which the
   * deterministic job ids make harmless. The group's resolved offsets start afresh at each
   * rebalance, so partitions that moved away are never committed from here.
   */
  private commit(): Promise<void> {
    if (this.committing) return this.committing;
    const offsets = (this.uncommitted?.().topics ?? []).flatMap(({ topic, partitions }) =>
      partitions.map(({ partition, offset }) => ({ topic, partition, offset })),
    );
    if (offsets.length === 0) return Promise.resolve();
    const { logger, name } = this.opts;
    this.committing = this.consumer
      .commitOffsets(offsets)
      .catch((err: unknown) => {
        logger.warn({ err: errorMessage(err) }, `${name}: offsets not committed, retried at the next tick`);
      })
      .finally(() => {
        this.committing = null;
      });
    return this.committing;
  }

  async close(): Promise<void> {
    this.closing = true;
    this.running = false;
    clearInterval(this.commitTimer);
    // A consumer still joining (the broker away, a dead member's session running out) is not waited for long.
    await Promise.race([this.runPromise, sleep(5000)]);
    // Batches under way finish and resolve their offsets, which are committed before leaving the group.
    await Promise.race([Promise.allSettled([...this.inFlight]), sleep(30_000)]);
    await this.committing;
    await this.commit();
    await this.consumer.disconnect();
  }
}

/** What a TopicConsumer needs of its options. */
export type TopicConsumerOptions = Pick<
  GroupConsumerOptions,
  'kafka' | 'consumerConfig' | 'commitIntervalMs' | 'topic' | 'fromBeginning' | 'logger'
>;

/** What the consumers that open occasions share: where jobs go, which campaigns, how late is too late. */
export interface OccasionConsumerOptions extends TopicConsumerOptions {
  /** Input older than this opens no occasion (see OccasionLimits); 0 for no limit. */
  maxLatenessMs: number;
  queue: Queue<OccasionJob>;
  jobOptions: JobsOptions;
  campaigns: CampaignRegistry;
  metrics: TriggerMetrics;
  now?: () => number;
}

/** A GroupConsumer owned by a class that handles its batches (the events and segment-changes consumers). */
export abstract class TopicConsumer<O extends TopicConsumerOptions> {
  private readonly group: GroupConsumer;

  constructor(
    protected readonly opts: O,
    name: string,
  ) {
    this.group = new GroupConsumer({
      kafka: opts.kafka,
      consumerConfig: opts.consumerConfig,
      commitIntervalMs: opts.commitIntervalMs,
      topic: opts.topic,
      fromBeginning: opts.fromBeginning,
      name,
      logger: opts.logger,
      eachBatch: (payload) => this.eachBatch(payload),
    });
  }

  get isRunning(): boolean {
    return this.group.isRunning;
  }

  run(): Promise<void> {
    return this.group.run();
  }

  close(): Promise<void> {
    return this.group.close();
  }

  protected abstract eachBatch(payload: EachBatchPayload): Promise<void>;
}
