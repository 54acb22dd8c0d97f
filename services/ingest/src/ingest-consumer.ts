import { backoffMs, errorMessage, type Logger, sleep } from '@pulse/common';
import type { Problem } from '@pulse/events';
import { type BatchingProducer, deadLetterMessage } from '@pulse/kafka';
import type { Consumer, EachBatchPayload, KafkaMessage, Message } from 'kafkajs';
import { classifyRecord } from './classify.js';
import { DedupWindow } from './dedup-window.js';
import { type EventInserter, RowsRejectedError } from './event-inserter.js';
import type { IngestMetrics } from './metrics.js';

export interface IngestConsumerOptions {
  consumer: Consumer;
  topic: string;
  deadLetterTopic: string;
  producer: BatchingProducer;
  inserter: EventInserter;
  logger: Logger;
  metrics: IngestMetrics;
  batchRows: number;
  flushIntervalMs: number;
  dedupWindow: number;
  /** Whether an event must not be stored: its person is suppressed or deleted (RegulationState.blocks). */
  regulated?: (userKey: string, receivedAt: string) => boolean;
}

interface RowSource {
  partition: number;
  offset: string;
  /** The event's line in its record. */
  line: number;
  key: Buffer | null;
  timestamp: string;
}

/** What has been consumed since the last insert: rows, dead letters and the offsets they reach. */
class Pending {
  rows: string[] = [];
  sources: RowSource[] = [];
  messageIds: string[] = [];
  deadLetters: Message[] = [];
  deadLetterReasons: string[] = [];
  /** Where each dead letter came from, for its log line (parallel to deadLetters). */
  deadLetterNotes: DeadLetterNote[] = [];
  nextOffsets = new Map<number, string>();
  firstAt = 0;
  /** Kafka timestamp (ms) of the oldest record of the batch, for pulse_ingest_delay_seconds. */
  oldestRecordAt = Number.POSITIVE_INFINITY;

  get empty(): boolean {
    return this.rows.length === 0 && this.deadLetters.length === 0 && this.nextOffsets.size === 0;
  }
}

interface DeadLetterNote {
  reason: string;
  messageId: string | undefined;
  partition: number;
  offset: string;
  line: number;
}

class Aborted extends Error {}

/** Dead letters logged one by one per batch; past this, one line counts the rest (a bad producer must not flood the logs). */
const DEAD_LETTER_LOG_LINES = 20;

const HEARTBEAT_EVERY_MS = 3000;

/**
 * Kafka → ClickHouse. Records from all partitions accumulate until
 * `batchRows` rows or `flushIntervalMs` have passed; then dead letters are
 * produced, rows inserted and only after both the offsets committed. While
 * ClickHouse is down the insert is retried with backoff and consumption
 * waits (heartbeating), so memory stays at one batch and nothing is lost.
 */
export class IngestConsumer {
  private pending = new Pending();
  private flushing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly dedup: DedupWindow;
  private readonly stop = new AbortController();
  private retrying = false;
  private joined: Promise<void> = Promise.resolve();
  private lastInsertError = '';
  /** Rows of the batch being inserted (or retried): they count as buffered too. */
  private inFlightRows = 0;
  private closing = false;

  constructor(private readonly o: IngestConsumerOptions) {
    this.dedup = new DedupWindow(o.dedupWindow);
  }

  async run(): Promise<void> {
    this.joined = new Promise((resolve) => {
      const off = this.o.consumer.on(this.o.consumer.events.GROUP_JOIN, () => {
        off();
        resolve();
      });
    });
    await this.o.consumer.subscribe({ topic: this.o.topic, fromBeginning: true });
    await this.o.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 1,
      eachBatch: (payload) => this.eachBatch(payload),
    });
    this.timer = setInterval(() => this.flushIfDue(), Math.max(10, Math.floor(this.o.flushIntervalMs / 4)));
  }

  /** Resolves when the consumer first joined its group and got partitions to consume. */
  whenJoined(): Promise<void> {
    return this.joined;
  }

  /** True while inserts fail and are being retried. */
  get degraded(): { degraded: boolean; reason: string } {
    return { degraded: this.retrying, reason: this.lastInsertError };
  }

  private async eachBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload) {
    for (const message of batch.messages) {
      // Once closing, records are left for the next run: taking them after the
      // final flush started would leave them consumed but never written.
      if (!isRunning() || isStale() || this.closing) return;
      this.take(batch.partition, message);
      resolveOffset(message.offset);
    }
    if (this.pending.rows.length >= this.o.batchRows) {
      // One batch is written while the next one fills; consumption waits
      // only when a write is still in flight, which bounds memory at two
      // batches and keeps heartbeats going through a ClickHouse outage.
      if (this.flushing) await this.waitWithHeartbeat(this.flushing, heartbeat);
      void this.flush().catch(() => undefined);
    }
  }

  private take(partition: number, message: KafkaMessage): void {
    const p = this.pending;
    if (p.empty) p.firstAt = Date.now();
    p.nextOffsets.set(partition, String(BigInt(message.offset) + 1n));
    const recordAt = Number(message.timestamp);
    if (recordAt < p.oldestRecordAt) p.oldestRecordAt = recordAt;
    for (const result of classifyRecord(message.value, message.timestamp)) {
      if (result.kind === 'dead_letter') {
        const value = result.text === undefined ? message.value : Buffer.from(result.text);
        this.addDeadLetter(partition, message, result.line, value, result.reasonCode, result.problems);
        this.pending.deadLetterNotes.push({
          reason: result.reasonCode,
          messageId: result.messageId,
          partition,
          offset: message.offset,
          line: result.line,
        });
        continue;
      }
      // Still in Kafka after a deletion (or in flight when it came): never stored again.
      if (this.o.regulated?.(result.userKey, result.receivedAt)) {
        this.o.metrics.records.inc({ outcome: 'regulated' });
        continue;
      }
      if (this.dedup.seen(result.messageId)) {
        this.o.metrics.records.inc({ outcome: 'duplicate' });
        continue;
      }
      this.o.metrics.records.inc({ outcome: 'row' });
      p.rows.push(result.row);
      p.messageIds.push(result.messageId);
      p.sources.push({
        partition,
        offset: message.offset,
        line: result.line,
        key: message.key,
        timestamp: message.timestamp,
      });
    }
    this.o.metrics.bufferedRows.set(this.inFlightRows + p.rows.length);
  }

  private addDeadLetter(
    partition: number,
    m: KafkaMessage,
    line: number,
    value: Buffer | null,
    reasonCode: string,
    problems: Problem[],
  ): void {
    this.o.metrics.records.inc({ outcome: 'dead_letter' });
    this.pending.deadLetterReasons.push(reasonCode);
    this.pending.deadLetters.push(
      deadLetterMessage({
        reasonCode,
        problems,
        topic: this.o.topic,
        partition,
        offset: m.offset,
        line,
        key: m.key,
        timestamp: m.timestamp,
        value,
        service: 'ingest',
      }),
    );
  }

  private flushIfDue(): void {
    const p = this.pending;
    if (this.flushing || p.empty || Date.now() - p.firstAt < this.o.flushIntervalMs) return;
    void this.flush().catch(() => undefined);
  }

  private async waitWithHeartbeat(done: Promise<void>, heartbeat: () => Promise<void>): Promise<void> {
    let finished = false;
    void done.finally(() => {
      finished = true;
    });
    while (!finished) {
      await Promise.race([done.catch(() => undefined), sleep(HEARTBEAT_EVERY_MS)]);
      if (!finished) await heartbeat().catch(() => undefined);
    }
    // A failed write is the writer's to report; here it only means the wait is over.
    await done.catch(() => undefined);
  }

  /** Runs one flush at a time; a caller arriving during one waits for it, then flushes what is new. */
  flush(): Promise<void> {
    const run = async (): Promise<void> => {
      while (this.flushing) await this.flushing.catch(() => undefined);
      if (this.pending.empty) return;
      const batch = this.pending;
      this.pending = new Pending();
      this.inFlightRows = batch.rows.length;
      this.flushing = this.write(batch).finally(() => {
        this.flushing = undefined;
        this.inFlightRows = 0;
        this.o.metrics.bufferedRows.set(this.pending.rows.length);
      });
      return this.flushing;
    };
    return run();
  }

  private async write(batch: Pending): Promise<void> {
    await this.insertRows(batch, batch.rows, batch.sources, batch.messageIds);
    if (batch.rows.length > 0 && Number.isFinite(batch.oldestRecordAt)) {
      this.o.metrics.delay.observe(Math.max(0, (Date.now() - batch.oldestRecordAt) / 1000));
    }
    if (batch.deadLetters.length > 0) {
      await this.retry('dead-letter produce', () =>
        this.o.producer.send(this.o.deadLetterTopic, batch.deadLetters),
      );
      for (const reason of batch.deadLetterReasons) this.o.metrics.deadLetters.inc({ reason });
      this.logDeadLetters(batch.deadLetterNotes);
    }
    await this.commit(batch.nextOffsets);
  }

  /** One warning per dead letter, named by its messageId (the correlation id across services), up to a bound. */
  private logDeadLetters(notes: DeadLetterNote[]): void {
    for (const note of notes.slice(0, DEAD_LETTER_LOG_LINES)) {
      this.o.logger.warn(
        {
          messageId: note.messageId,
          reason: note.reason,
          topic: this.o.topic,
          partition: note.partition,
          offset: note.offset,
          line: note.line,
          deadLetterTopic: this.o.deadLetterTopic,
        },
        'event sent to the dead-letter topic',
      );
    }
    if (notes.length > DEAD_LETTER_LOG_LINES) {
      this.o.logger.warn(
        { more: notes.length - DEAD_LETTER_LOG_LINES, deadLetterTopic: this.o.deadLetterTopic },
        'more events of this batch sent to the dead-letter topic',
      );
    }
  }

  /** Inserts rows; rows ClickHouse refuses are found by halving and become dead letters of `batch`. */
  private async insertRows(
    batch: Pending,
    rows: string[],
    sources: RowSource[],
    ids: string[],
  ): Promise<void> {
    if (rows.length === 0) return;
    const started = performance.now();
    try {
      await this.retry('ClickHouse insert', () => this.o.inserter.insert(rows));
      this.o.metrics.insertDuration.observe((performance.now() - started) / 1000);
      this.o.metrics.insertRows.inc(rows.length);
      this.o.metrics.batchRows.observe(rows.length);
    } catch (err) {
      if (!(err instanceof RowsRejectedError)) throw err;
      this.o.metrics.insertFailures.inc({ kind: 'rejected' });
      if (rows.length === 1) {
        const source = sources[0]!;
        this.dedup.forget(ids[0]!);
        batch.deadLetterReasons.push('clickhouse_rejected');
        batch.deadLetterNotes.push({
          reason: 'clickhouse_rejected',
          messageId: ids[0],
          partition: source.partition,
          offset: source.offset,
          line: source.line,
        });
        batch.deadLetters.push(
          deadLetterMessage({
            reasonCode: 'clickhouse_rejected',
            problems: [{ path: '', code: 'format', reason: err.message }],
            topic: this.o.topic,
            partition: source.partition,
            offset: source.offset,
            line: source.line,
            key: source.key,
            timestamp: source.timestamp,
            value: Buffer.from(rows[0]!),
            service: 'ingest',
          }),
        );
        return;
      }
      const mid = rows.length >> 1;
      await this.insertRows(batch, rows.slice(0, mid), sources.slice(0, mid), ids.slice(0, mid));
      await this.insertRows(batch, rows.slice(mid), sources.slice(mid), ids.slice(mid));
    }
  }

  /** Retries retriable failures with backoff until they succeed or the consumer closes. */
  private async retry(what: string, fn: () => Promise<void>): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await fn();
        if (attempt > 0) this.o.logger.info({ what, attempt }, 'recovered');
        this.retrying = false;
        return;
      } catch (err) {
        if (err instanceof RowsRejectedError) throw err;
        this.retrying = true;
        this.lastInsertError = `${what} failed: ${errorMessage(err)}`;
        if (what === 'ClickHouse insert') this.o.metrics.insertFailures.inc({ kind: 'unavailable' });
        this.o.logger.warn({ what, attempt, err: errorMessage(err) }, 'failed; retrying');
        if (this.stop.signal.aborted) throw new Aborted(`${what} abandoned at shutdown`);
        await sleep(backoffMs(attempt, 200, 10_000), this.stop.signal);
        if (this.stop.signal.aborted) throw new Aborted(`${what} abandoned at shutdown`);
      }
    }
  }

  private async commit(offsets: Map<number, string>): Promise<void> {
    if (offsets.size === 0) return;
    try {
      await this.o.consumer.commitOffsets(
        [...offsets].map(([partition, offset]) => ({ topic: this.o.topic, partition, offset })),
      );
    } catch (err) {
      // The rows are stored; after a rebalance the records are consumed again
      // and folded by messageId, so a failed commit costs work, not data.
      this.o.metrics.commitFailures.inc();
      this.o.logger.warn({ err: errorMessage(err) }, 'offset commit failed after insert');
    }
  }

  /**
   * Stops fetching, writes and commits what was consumed, then leaves the
   * group. If ClickHouse is down, `abandonAfterMs` bounds the wait: the
   * uncommitted records are consumed again after restart.
   */
  async close(abandonAfterMs = 10_000): Promise<void> {
    this.closing = true;
    if (this.timer) clearInterval(this.timer);
    this.o.consumer.pause([{ topic: this.o.topic }]);
    const abandon = setTimeout(() => this.stop.abort(), abandonAfterMs);
    try {
      await this.flush();
    } catch (err) {
      this.o.logger.warn(
        { err: errorMessage(err) },
        'final flush not completed; records will be consumed again',
      );
    } finally {
      clearTimeout(abandon);
      this.stop.abort();
    }
    await this.o.consumer.disconnect();
  }
}
