import { Counter, Gauge, type Registry } from 'prom-client';

/** Lag of one partition for one consumer group, as measured by a lag monitor. */
export interface PartitionLagSample {
  topic: string;
  partition: number;
  lag: number;
}

export interface ConsumerLagMetrics {
  /** Replaces the group's series with `samples`; partitions no longer measured disappear. */
  record(group: string, samples: readonly PartitionLagSample[]): void;
  /** A measurement failed (Kafka unreachable): the gauge keeps its last values. */
  failed(group: string): void;
}

export const CONSUMER_LAG_METRIC = 'pulse_kafka_consumer_lag';

/**
 * `pulse_kafka_consumer_lag{group,topic,partition}`: records between a
 * group's committed offset and the high watermark. Every consumer service
 * (ingest today; modeling and trigger when they exist) registers it once
 * and feeds it from a ConsumerLagMonitor (@pulse/kafka).
 */
export function createConsumerLagMetrics(registry: Registry): ConsumerLagMetrics {
  const lag = new Gauge({
    name: CONSUMER_LAG_METRIC,
    help: 'Records not yet committed by the consumer group: high watermark minus committed offset, per partition',
    labelNames: ['group', 'topic', 'partition'],
    registers: [registry],
  });
  const failures = new Counter({
    name: 'pulse_kafka_consumer_lag_refresh_failures_total',
    help: 'Consumer lag measurements that failed (Kafka unreachable); the lag gauge then keeps its last values',
    labelNames: ['group'],
    registers: [registry],
  });
  const known = new Map<string, Set<string>>();
  return {
    record(group, samples) {
      failures.inc({ group }, 0);
      const now = new Set<string>();
      for (const s of samples) {
        const partition = String(s.partition);
        now.add(`${s.topic}\u0000${partition}`);
        lag.set({ group, topic: s.topic, partition }, s.lag);
      }
      for (const key of known.get(group) ?? []) {
        if (now.has(key)) continue;
        const [topic = '', partition = ''] = key.split('\u0000');
        lag.remove({ group, topic, partition });
      }
      known.set(group, now);
    },
    failed(group) {
      failures.inc({ group });
    },
  };
}
