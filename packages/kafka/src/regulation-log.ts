import { randomUUID } from 'node:crypto';
import { errorMessage, type Logger, PulseError } from '@pulse/common';
import {
  DEFAULT_MAX_REGULATED_SUBJECTS,
  decodeRegulation,
  type RegulationRecord,
  RegulationState,
} from '@pulse/events';
import type { Consumer, EachMessagePayload, Kafka } from 'kafkajs';
import { topicNames } from './topics.js';

export interface RegulationLogOptions {
  kafka: Kafka;
  /** The regulations topic (topicNames(prefix).regulations). */
  topic: string;
  /** This instance's consumer group is `<groupPrefix>-<random>`: every instance reads every record. */
  groupPrefix: string;
  /** Subjects held at most (see RegulationState); past it records are refused and readiness says so. */
  maxSubjects: number;
  logger: Logger;
  /** Told of each record after the state took it. */
  onRecord?: (record: RegulationRecord) => void;
}

export class RegulationLogTimeoutError extends PulseError {
  constructor(topic: string, timeoutMs: number) {
    super(
      'PULSE_REGULATIONS_BEHIND',
      `the regulations topic ${topic} was not read to its end within ${timeoutMs} ms; check that Kafka is reachable and start again`,
      { retriable: true },
    );
  }
}

export class RegulationLogUnreadableError extends PulseError {
  constructor(topic: string, cause: unknown) {
    super(
      'PULSE_REGULATIONS_UNREADABLE',
      `the regulations topic ${topic} cannot be read (${errorMessage(cause)}); create the topics with pnpm pulse topics and check that Kafka is reachable`,
      { retriable: true, cause },
    );
  }
}

interface Waiter {
  done(): boolean;
  resolve(): void;
}

/**
 * The regulations topic as one service instance sees it: read whole from the beginning at start
 * (in a throwaway consumer group that never commits, so each instance reads everything), then
 * followed. `start` resolves once the records present at start are applied: a service starts
 * its inputs after it, so nothing of a suppressed or deleted subject slips in before the list is
 * known. The state is only written here, in topic order.
 */
export class RegulationLog {
  readonly state: RegulationState;
  private readonly consumer: Consumer;
  /** Per partition: the offset after the last record read. */
  private readonly next = new Map<number, bigint>();
  private waiters: Waiter[] = [];
  private refused = 0;
  private invalid = 0;
  private running = false;

  constructor(private readonly o: RegulationLogOptions) {
    this.state = new RegulationState(o.maxSubjects);
    this.consumer = o.kafka.consumer({
      groupId: `${o.groupPrefix}-${randomUUID()}`,
      maxWaitTimeInMs: 100,
      retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 300, maxRetryTime: 10_000 },
    });
  }

  /** Records refused because the list was full (RegulationState.maxSubjects). */
  get refusedRecords(): number {
    return this.refused;
  }

  /** Records of the topic that did not decode (logged and skipped). */
  get invalidRecords(): number {
    return this.invalid;
  }

  /** Why the list cannot be trusted, for /readyz; empty when it can. */
  health(): string[] {
    const reasons: string[] = [];
    if (this.refused > 0) {
      reasons.push(
        `the suppression list is full (${this.o.maxSubjects} subjects): ${this.refused} regulations not applied; raise PULSE_REGULATIONS_MAX_SUBJECTS and restart`,
      );
    }
    return reasons;
  }

  /** Reads the topic up to its end as of now (bounded by `timeoutMs`), then keeps following it. */
  async start(timeoutMs = 60_000): Promise<void> {
    try {
      await this.consumer.connect();
      await this.consumer.subscribe({ topic: this.o.topic, fromBeginning: true });
    } catch (err) {
      throw new RegulationLogUnreadableError(this.o.topic, err);
    }
    await this.consumer.run({ autoCommit: false, eachMessage: (payload) => this.take(payload) });
    this.running = true;
    await this.catchUp(timeoutMs);
    this.o.logger.info({ topic: this.o.topic, subjects: this.state.size }, 'regulations read');
  }

  /** Resolves once every record written to the topic before this call has been applied. */
  async catchUp(timeoutMs = 10_000): Promise<void> {
    const admin = this.o.kafka.admin();
    await admin.connect();
    let highs: Array<{ partition: number; high: string }>;
    try {
      highs = await admin.fetchTopicOffsets(this.o.topic);
    } finally {
      await admin.disconnect();
    }
    await this.until(
      () => highs.every((h) => (this.next.get(h.partition) ?? 0n) >= BigInt(h.high)),
      timeoutMs,
    );
  }

  /** Resolves once the record at (partition, offset) has been applied. */
  reached(partition: number, offset: string, timeoutMs = 60_000): Promise<void> {
    const target = BigInt(offset);
    return this.until(() => (this.next.get(partition) ?? 0n) > target, timeoutMs);
  }

  private until(done: () => boolean, timeoutMs: number): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        done,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new RegulationLogTimeoutError(this.o.topic, timeoutMs));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  private async take({ partition, message }: EachMessagePayload): Promise<void> {
    const decoded = decodeRegulation(message.value);
    if (!decoded.ok) {
      this.invalid += 1;
      this.o.logger.warn(
        { topic: this.o.topic, partition, offset: message.offset, problems: decoded.problems },
        'invalid regulation record skipped',
      );
    } else if (!this.state.apply(decoded.value)) {
      this.refused += 1;
      this.o.logger.error(
        { regulationId: decoded.value.regulationId, maxSubjects: this.o.maxSubjects },
        'suppression list full: regulation not applied; raise PULSE_REGULATIONS_MAX_SUBJECTS',
      );
    } else {
      try {
        this.o.onRecord?.(decoded.value);
      } catch (err) {
        this.o.logger.warn({ err: errorMessage(err) }, 'regulation listener failed');
      }
    }
    const after = BigInt(message.offset) + 1n;
    // A rebalance restarts a group without commits from the beginning: positions never move back.
    if (after > (this.next.get(partition) ?? 0n)) this.next.set(partition, after);
    const ready = this.waiters.filter((w) => w.done());
    if (ready.length > 0) {
      this.waiters = this.waiters.filter((w) => !ready.includes(w));
      for (const w of ready) w.resolve();
    }
  }

  async close(): Promise<void> {
    if (!this.running) {
      await this.consumer.disconnect().catch(() => undefined);
      return;
    }
    this.running = false;
    await this.consumer.disconnect();
  }
}

/**
 * A service's regulation log of `<topicPrefix>.regulations`, read whole before this resolves (so
 * that a deleted or suppressed person's input is ignored from the first record), closed again if
 * reading fails.
 */
export async function openRegulationLog(o: {
  kafka: Kafka;
  topicPrefix: string;
  clientId: string;
  maxSubjects: number | undefined;
  logger: Logger;
}): Promise<RegulationLog> {
  const log = new RegulationLog({
    kafka: o.kafka,
    topic: topicNames(o.topicPrefix).regulations,
    groupPrefix: `${o.clientId}-regulations`,
    maxSubjects: o.maxSubjects ?? DEFAULT_MAX_REGULATED_SUBJECTS,
    logger: o.logger,
  });
  try {
    await log.start();
  } catch (err) {
    await log.close().catch(() => undefined);
    throw err;
  }
  return log;
}
