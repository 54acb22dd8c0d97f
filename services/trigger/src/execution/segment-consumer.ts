import { decodeSegmentChange, type SegmentChangeRecord } from '@pulse/events';
import type { EachBatchPayload, KafkaMessage } from 'kafkajs';
import type { SegmentStore } from '../audience/segment-store.js';
import { addOccasions } from './add-occasions.js';
import { type OccasionConsumerOptions, TopicConsumer } from './group-consumer.js';
import type { NewOccasion } from './occasions.js';
import { segmentOccasions } from './segment-occasions.js';

/** Changes published longer ago than `maxLatenessMs` update membership but open no occasion. */
export interface SegmentConsumerOptions extends OccasionConsumerOptions {
  segments: SegmentStore;
  /** Whether the change's person is deleted or suppressed (by publication time): such changes are ignored. */
  regulated?: (person: string, publishedAt: number) => boolean;
}

const CHUNK = 1000;

/**
 * Reads the segment-changes topic (one change per message, written in
 * transactions by the modeling worker; read_committed) in its own group.
 * Each chunk of changes updates membership in Redis first (idempotent by
 * seq), then adds the entry/exit occasions in one addBulk; offsets are
 * resolved and committed only after. A change superseded by a newer one of
 * the same person and segment opens nothing. An invalid message is counted
 * and logged, never fatal.
 */
export class SegmentConsumer extends TopicConsumer<SegmentConsumerOptions> {
  constructor(opts: SegmentConsumerOptions) {
    super(opts, 'segment-changes consumer');
  }

  protected async eachBatch({
    batch,
    resolveOffset,
    heartbeat,
    isRunning,
    isStale,
  }: EachBatchPayload): Promise<void> {
    const messages = batch.messages;
    for (let start = 0; start < messages.length && isRunning() && !isStale(); start += CHUNK) {
      const chunk = messages.slice(start, start + CHUNK);
      await this.handle(chunk, batch.partition);
      resolveOffset((chunk[chunk.length - 1] as KafkaMessage).offset);
      await heartbeat();
    }
  }

  private async handle(messages: readonly KafkaMessage[], partition: number): Promise<void> {
    const { metrics, logger } = this.opts;
    const changes: Array<{ change: SegmentChangeRecord; publishedAt: number }> = [];
    for (const m of messages) {
      const decoded = decodeSegmentChange(m.value);
      if (decoded.ok) {
        const publishedAt = Number(m.timestamp) || Date.parse(decoded.value.at);
        // Still in the topic after a deletion (retention, a replay): membership is not rebuilt.
        if (this.opts.regulated?.(decoded.value.userKey, publishedAt)) {
          metrics.segmentChanges.inc({ outcome: 'regulated' });
        } else {
          changes.push({ change: decoded.value, publishedAt });
        }
        continue;
      }
      metrics.segmentChanges.inc({ outcome: 'invalid' });
      logger.warn(
        { topic: this.opts.topic, partition, offset: m.offset, problems: decoded.problems },
        'invalid segment change skipped',
      );
    }
    const results = await this.opts.segments.apply(changes.map((c) => c.change));
    const campaigns = this.opts.campaigns.list();
    const now = (this.opts.now ?? Date.now)();
    const limits = { maxLatenessMs: this.opts.maxLatenessMs };
    const occasions: NewOccasion[] = [];
    changes.forEach(({ change, publishedAt }, i) => {
      const result = results[i];
      // A repeated change opens its occasions again: the first time may have crashed before adding them.
      if (result === 'superseded') {
        metrics.segmentChanges.inc({ outcome: 'superseded' });
        return;
      }
      const found = segmentOccasions(change, publishedAt, campaigns, now, limits);
      occasions.push(...found.occasions);
      const outcome = found.occasions.length > 0 ? 'matched' : found.stale > 0 ? 'stale' : 'unmatched';
      metrics.segmentChanges.inc({ outcome });
    });
    await addOccasions(this.opts.queue, this.opts.jobOptions, occasions, this.opts);
  }
}
