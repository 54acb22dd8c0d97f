import { type ClickHouseClient, insertJsonEachRow } from '@pulse/clickhouse';
import type { Logger } from '@pulse/common';
import { encodeSegmentChange, type SegmentChangeRecord } from '@pulse/events';
import { createIdempotentProducer } from '@pulse/kafka';
import type { Kafka, Producer } from 'kafkajs';
import type { Counter } from 'prom-client';
import type { SequencedChange } from '../segments/index.js';
import { readPublishedSeq, sendProgress } from './published-progress.js';

export interface SegmentPublisherOptions {
  kafka: Kafka;
  changesTopic: string;
  progressTopic: string;
  /** The worker's consumer group: one transactional id per worker, so a restarted worker fences the old one. */
  worker: string;
  clickhouse: ClickHouseClient;
  /** `db.segment_changes` */
  table: string;
  logger: Logger;
  published?: Counter<'change'>;
  /** Changes per Kafka transaction. */
  chunk?: number;
}

/**
 * Publishes segment changes exactly once across restarts. Each chunk goes to the segment-changes
 * topic in one Kafka transaction together with a progress record (the chunk's last seq); after a
 * restart the worker reads back that progress (see readPublishedSeq) and skips what is already out.
 * The rows go to ClickHouse first, where re-inserting a seq folds (ReplacingMergeTree), so the
 * membership table never misses a change that Kafka has.
 */
export class SegmentChangePublisher {
  private producer: Producer;
  private published = -1;
  private starting: Promise<void> | undefined;

  constructor(private readonly o: SegmentPublisherOptions) {
    this.producer = createIdempotentProducer(o.kafka, {
      transactionalId: `${o.worker}-segment-changes`,
      allowAutoTopicCreation: true,
    });
  }

  /** The seq of the last change out (after start). */
  get publishedSeq(): number {
    return this.published;
  }

  /** Fences any older instance of this worker and learns how far it published. */
  start(): Promise<void> {
    this.starting ??= (async () => {
      await this.producer.connect();
      const txn = await this.producer.transaction();
      try {
        this.published = await readPublishedSeq(this.o.kafka, txn, this.o.progressTopic, this.o.worker);
      } catch (err) {
        await txn.abort().catch(() => undefined);
        this.starting = undefined;
        throw err;
      }
      this.o.logger.info({ publishedSeq: this.published }, 'segment changes published so far');
    })();
    return this.starting;
  }

  /** Publishes the changes not yet out, in seq order; returns the seq of the last change out. */
  async publish(changes: readonly SequencedChange[]): Promise<number> {
    await this.start();
    const todo = changes.filter((c) => c.seq > this.published);
    const chunk = this.o.chunk ?? 5000;
    for (let i = 0; i < todo.length; i += chunk) {
      const part = todo.slice(i, i + chunk);
      const records = part.map(toRecord);
      await insertJsonEachRow(this.o.clickhouse, this.o.table, records.map(toRow).join('\n'), {
        date_time_input_format: 'best_effort',
      });
      const txn = await this.producer.transaction();
      try {
        await txn.send({
          topic: this.o.changesTopic,
          messages: records.map((r) => ({ key: r.userKey, value: encodeSegmentChange(r) })),
        });
        const last = part[part.length - 1]!.seq;
        await sendProgress(txn, this.o.progressTopic, this.o.worker, last);
        await txn.commit();
        this.published = last;
      } catch (err) {
        await txn.abort().catch(() => undefined);
        throw err;
      }
      for (const r of records) this.o.published?.inc({ change: r.change });
    }
    return this.published;
  }

  async close(): Promise<void> {
    await this.producer.disconnect();
  }
}

function toRow(r: SegmentChangeRecord): string {
  return JSON.stringify({
    seq: r.seq,
    user_key: r.userKey,
    segment: r.segment,
    change: r.change,
    at: r.at,
    version: r.version,
  });
}

function toRecord(c: SequencedChange): SegmentChangeRecord {
  return {
    v: 1,
    seq: c.seq,
    userKey: c.userKey,
    segment: c.segment,
    change: c.change,
    at: new Date(c.atMs).toISOString(),
    version: c.version,
  };
}
