import { type ConsumerLagMetrics, errorMessage, type Logger, type PartitionLagSample } from '@pulse/common';
import type { Admin, Kafka } from 'kafkajs';
import { LagTrend } from './lag-trend.js';

export interface ConsumerLagMonitorOptions {
  kafka: Kafka;
  groupId: string;
  topics: readonly string[];
  logger: Logger;
  /** Where each measurement goes (the pulse_kafka_consumer_lag gauge). */
  metrics?: ConsumerLagMetrics;
  /** Time between measurements. */
  intervalMs?: number;
  /** How long lag may only rise, or records wait with no commit, before the group is not keeping up. */
  windowMs?: number;
  now?: () => number;
}

export interface ConsumerLagHealth {
  keepingUp: boolean;
  /** Why not, for /readyz. */
  reasons: string[];
  /** Total lag per topic at the last measurement. */
  lag: Record<string, number>;
}

/** Lag of each partition from committed offsets and high watermarks; -1 (nothing committed) counts from the low watermark. */
export function partitionLags(
  topic: string,
  watermarks: ReadonlyArray<{ partition: number; high: string; low: string }>,
  committed: ReadonlyArray<{ partition: number; offset: string }>,
): Array<PartitionLagSample & { committed: number }> {
  const byPartition = new Map(committed.map((p) => [p.partition, Number(p.offset)]));
  return watermarks.map((w) => {
    const c = byPartition.get(w.partition) ?? -1;
    const effective = c < 0 ? Number(w.low) : c;
    return {
      topic,
      partition: w.partition,
      lag: Math.max(0, Number(w.high) - effective),
      committed: effective,
    };
  });
}

/**
 * Measures a consumer group's lag on its topics every `intervalMs` with one
 * long-lived admin client, feeds the lag gauge, and judges whether the group
 * keeps up (see LagTrend). Any consumer service can run one beside its
 * consumer: ingest does; modeling and trigger should.
 */
export class ConsumerLagMonitor {
  private admin: Admin | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private readonly trends = new Map<string, LagTrend>();
  private readonly lastLag: Record<string, number> = {};
  private lastSuccess: number;
  private lastError = '';
  private closed = false;
  private readonly intervalMs: number;
  private readonly windowMs: number;
  private readonly now: () => number;

  constructor(private readonly o: ConsumerLagMonitorOptions) {
    this.intervalMs = o.intervalMs ?? 5000;
    this.windowMs = o.windowMs ?? 60_000;
    this.now = o.now ?? Date.now;
    this.lastSuccess = this.now();
    for (const topic of o.topics) this.trends.set(topic, new LagTrend(this.windowMs));
  }

  /** Measures now, then every intervalMs; the timer does not keep the process alive. */
  start(): void {
    if (this.timer || this.closed) return;
    void this.refresh();
    this.timer = setInterval(() => void this.refresh(), this.intervalMs);
    this.timer.unref();
  }

  /** One measurement (a call while one runs waits for it). Failures are recorded, never thrown. */
  refresh(): Promise<void> {
    this.running ??= this.measure().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async measure(): Promise<void> {
    if (this.closed) return;
    try {
      const admin = await this.connected();
      const committed = await admin.fetchOffsets({ groupId: this.o.groupId, topics: [...this.o.topics] });
      const samples: PartitionLagSample[] = [];
      const at = this.now();
      for (const topic of this.o.topics) {
        const watermarks = await admin.fetchTopicOffsets(topic);
        const lags = partitionLags(
          topic,
          watermarks,
          committed.find((c) => c.topic === topic)?.partitions ?? [],
        );
        samples.push(...lags.map(({ topic: t, partition, lag }) => ({ topic: t, partition, lag })));
        const lag = lags.reduce((sum, p) => sum + p.lag, 0);
        this.lastLag[topic] = lag;
        this.trends.get(topic)?.add({ at, lag, committed: lags.reduce((sum, p) => sum + p.committed, 0) });
      }
      this.o.metrics?.record(this.o.groupId, samples);
      this.lastSuccess = at;
      this.lastError = '';
    } catch (err) {
      this.lastError = errorMessage(err);
      this.o.metrics?.failed(this.o.groupId);
      this.o.logger.warn({ groupId: this.o.groupId, err: this.lastError }, 'consumer lag measurement failed');
      // A fresh admin next time: kafkajs' may be stuck on a dead connection.
      const admin = this.admin;
      this.admin = undefined;
      await admin?.disconnect().catch(() => undefined);
    }
  }

  private async connected(): Promise<Admin> {
    if (this.admin) return this.admin;
    const admin = this.o.kafka.admin({ retry: { retries: 1, initialRetryTime: 200, maxRetryTime: 1000 } });
    await admin.connect();
    this.admin = admin;
    return admin;
  }

  /** Whether the group keeps up, with the reasons when it does not. */
  health(): ConsumerLagHealth {
    const reasons: string[] = [];
    const silentFor = this.now() - this.lastSuccess;
    if (this.lastError && silentFor > 3 * this.intervalMs) {
      reasons.push(
        `consumer lag of ${this.o.groupId} unknown for ${Math.round(silentFor / 1000)} s: ${this.lastError}`,
      );
    }
    for (const [topic, trend] of this.trends) {
      const v = trend.verdict();
      if (v.state === 'growing') {
        reasons.push(
          `consumer group ${this.o.groupId} is falling behind on ${topic}: lag grew from ${v.from} to ${v.to} records in ${v.seconds} s`,
        );
      } else if (v.state === 'stuck') {
        reasons.push(
          `consumer group ${this.o.groupId} is stuck on ${topic}: ${v.lag} records waiting and nothing committed for ${v.seconds} s`,
        );
      }
    }
    return { keepingUp: reasons.length === 0, reasons, lag: { ...this.lastLag } };
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
    const admin = this.admin;
    this.admin = undefined;
    await admin?.disconnect().catch(() => undefined);
  }
}
