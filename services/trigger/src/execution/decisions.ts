import { type ClickHouseClient, insertJsonEachRow } from '@pulse/clickhouse';
import { errorMessage, type Logger } from '@pulse/common';
import type { Redis } from 'ioredis';

export const OUTCOMES = [
  'sent',
  'held_out',
  'capped',
  'suppressed',
  'failed',
  'converted',
  'not_in_audience',
  'inactive',
] as const;
export type Outcome = (typeof OUTCOMES)[number];

export interface Decision {
  campaign_id: string;
  person: string;
  occasion: string;
  job_id: string;
  outcome: Outcome;
  reason: string;
  variant: string;
  channel: string;
  event_message_id: string;
  event_time: string;
  decided_at: string;
}

export interface DecisionSink {
  /** Resolves once the decision is durable (it will reach ClickHouse even if the process dies now). */
  record(decision: Decision): Promise<void>;
  /** Moves what is waiting into ClickHouse; resolves when done (or the attempt failed and was logged). */
  flush(): Promise<void>;
  /** Drops the person's decisions not yet moved to ClickHouse (a deletion request); returns how many. */
  forget(person: string): Promise<number>;
  close(): Promise<void>;
}

/**
 * Decisions go first to a Redis stream, inside the job that makes them, so
 * a killed process loses none; a flusher moves them to ClickHouse in batches
 * and deletes them from the stream only after the insert. A crash between
 * the two inserts a batch again, which ReplacingMergeTree folds (same key,
 * same decided_at).
 */
export class RedisClickHouseDecisions implements DecisionSink {
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private failure: string | undefined;

  constructor(
    private readonly opts: {
      redis: Redis;
      stream: string;
      clickhouse: ClickHouseClient;
      table: string;
      logger: Logger;
      flushIntervalMs: number;
      batchRows?: number;
      /** Told of each batch moved to ClickHouse and of each failed attempt. */
      metrics?: { inserted(rows: number): void; failed(): void };
    },
  ) {
    this.timer = setInterval(() => void this.flush(), opts.flushIntervalMs);
    this.timer.unref();
  }

  async record(decision: Decision): Promise<void> {
    await this.opts.redis.xadd(this.opts.stream, '*', 'd', JSON.stringify(decision));
  }

  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.drain());
    return this.flushing;
  }

  private async drain(): Promise<void> {
    const batch = this.opts.batchRows ?? 5000;
    try {
      for (;;) {
        const entries = await this.opts.redis.xrange(this.opts.stream, '-', '+', 'COUNT', batch);
        if (entries.length === 0) {
          this.failure = undefined;
          return;
        }
        const body = entries.map(([, fields]) => fields[1] ?? '').join('\n');
        await insertJsonEachRow(this.opts.clickhouse, this.opts.table, body, {
          date_time_input_format: 'best_effort',
        });
        await this.opts.redis.xdel(this.opts.stream, ...entries.map(([id]) => id));
        this.failure = undefined;
        this.opts.metrics?.inserted(entries.length);
        if (entries.length < batch) return;
      }
    } catch (err) {
      this.failure = errorMessage(err);
      this.opts.metrics?.failed();
      this.opts.logger.warn({ err: this.failure }, 'moving decisions to ClickHouse failed, will retry');
    }
  }

  async forget(person: string): Promise<number> {
    let dropped = 0;
    let start = '-';
    for (;;) {
      const entries = await this.opts.redis.xrange(this.opts.stream, start, '+', 'COUNT', 1000);
      const ids = entries
        .filter(([, fields]) => (JSON.parse(fields[1] ?? '{}') as Partial<Decision>).person === person)
        .map(([id]) => id);
      if (ids.length > 0) dropped += await this.opts.redis.xdel(this.opts.stream, ...ids);
      if (entries.length < 1000) return dropped;
      start = `(${entries[entries.length - 1]![0]}`;
    }
  }

  /** Why the last move to ClickHouse failed; undefined once one succeeds (for /readyz). */
  get lastError(): string | undefined {
    return this.failure;
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.flush();
  }
}
