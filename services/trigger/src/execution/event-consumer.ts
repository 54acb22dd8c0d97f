import { errorMessage, type Logger, sleep } from '@pulse/common';
import { decodeStoredEvent, splitRecord } from '@pulse/events';
import type { JobsOptions, Queue } from 'bullmq';
import type { Consumer, ConsumerConfig, EachBatchPayload, Kafka } from 'kafkajs';
import type { CampaignRegistry } from '../campaigns/registry.js';
import type { TriggerMetrics } from '../metrics.js';
import { OCCASION_JOB, type OccasionJob } from './jobs.js';
import { countedEvents, type NewOccasion, occasionsOf } from './occasions.js';
import type { PersonStore } from './person-store.js';

export interface EventConsumerOptions {
  kafka: Kafka;
  consumerConfig: ConsumerConfig;
  topic: string;
  fromBeginning: boolean;
  /** See OccasionLimits; 0 for no limit. */
  maxLatenessMs: number;
  queue: Queue<OccasionJob>;
  jobOptions: JobsOptions;
  campaigns: CampaignRegistry;
  people: PersonStore;
  logger: Logger;
  metrics: TriggerMetrics;
  now?: () => number;
}

const ADD_CHUNK = 500;

/**
 * Reads the events topic in its own consumer group and turns events into
 * occasion jobs. Offsets are resolved and committed only after the batch's
 * jobs are in Redis; a crash before that re-reads the records, and the
 * deterministic job ids make the second add a no-op.
 */
export class EventConsumer {
  private running = false;
  private closing = false;
  private readonly consumer: Consumer;
  private runPromise: Promise<void> = Promise.resolve();

  constructor(private readonly opts: EventConsumerOptions) {
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
    const { topic, logger } = this.opts;
    const consumer = this.consumer;
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: this.opts.fromBeginning });
    consumer.on(consumer.events.GROUP_JOIN, () => {
      this.running = true;
    });
    consumer.on(consumer.events.CRASH, (e) => {
      this.running = false;
      logger.error({ err: errorMessage(e.payload.error), restart: e.payload.restart }, 'consumer crashed');
    });
    consumer.on(consumer.events.STOP, () => {
      this.running = false;
    });
    this.runPromise = consumer
      .run({
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: 2,
        eachBatch: (payload) => this.eachBatch(payload),
      })
      .catch((err: unknown) => {
        if (!this.closing) logger.error({ err: errorMessage(err) }, 'consumer stopped');
      });
  }

  private async eachBatch({
    batch,
    resolveOffset,
    heartbeat,
    commitOffsetsIfNecessary,
    isRunning,
    isStale,
  }: EachBatchPayload): Promise<void> {
    const now = this.opts.now ?? Date.now;
    const campaigns = this.opts.campaigns.list();
    const counted = countedEvents(campaigns);
    const occasions: NewOccasion[] = [];
    let last: string | undefined;
    for (const message of batch.messages) {
      if (!isRunning() || isStale()) break;
      for (const line of splitRecord(message.value?.toString('utf8') ?? '')) {
        const decoded = decodeStoredEvent(line);
        if (!decoded.ok) {
          // Ingest dead-letters the same record with its reasons; here it opens no occasion.
          this.opts.metrics.events.inc({ outcome: 'invalid' });
          continue;
        }
        const found = await occasionsOf(decoded.value, campaigns, counted, this.opts.people, now(), {
          maxLatenessMs: this.opts.maxLatenessMs,
        });
        const outcome = found.occasions.length > 0 ? 'matched' : found.stale > 0 ? 'stale' : 'unmatched';
        this.opts.metrics.events.inc({ outcome });
        occasions.push(...found.occasions);
      }
      last = message.offset;
      if (occasions.length >= ADD_CHUNK) await this.add(occasions.splice(0));
    }
    await this.add(occasions.splice(0));
    if (last !== undefined) resolveOffset(last);
    await heartbeat();
    await commitOffsetsIfNecessary();
  }

  private async add(occasions: NewOccasion[]): Promise<void> {
    if (occasions.length === 0) return;
    await this.opts.queue.addBulk(
      occasions.map((o) => ({
        name: OCCASION_JOB,
        data: o.data,
        opts: { ...this.opts.jobOptions, jobId: o.jobId, delay: o.delayMs },
      })),
    );
    for (const o of occasions) {
      this.opts.metrics.occasions.inc({ campaign: o.data.campaignId });
      // The event's messageId and the job id tie this line to the decision and the delivery.
      this.opts.logger.debug(
        { messageId: o.data.event.message_id, jobId: o.jobId, campaign: o.data.campaignId },
        'occasion opened',
      );
    }
  }

  async close(): Promise<void> {
    this.closing = true;
    this.running = false;
    // A consumer still joining (the broker away, a dead member's session running out) is not waited for long.
    await Promise.race([this.runPromise, sleep(5000)]);
    await this.consumer.disconnect();
  }
}
