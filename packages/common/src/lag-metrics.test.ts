import { describe, expect, it } from 'vitest';
import { createConsumerLagMetrics } from './lag-metrics.js';
import { createMetricsRegistry } from './metrics.js';

async function series(registry: ReturnType<typeof createMetricsRegistry>, name: string) {
  const metric = registry.getSingleMetric(name);
  if (!metric) throw new Error(`no ${name}`);
  return (await metric.get()).values.map((v) => ({ labels: v.labels, value: v.value }));
}

describe('createConsumerLagMetrics', () => {
  it('exports the lag per group, topic and partition and drops partitions no longer measured', async () => {
    const registry = createMetricsRegistry('lag-test', { defaultMetrics: false });
    const lag = createConsumerLagMetrics(registry);
    lag.record('g', [
      { topic: 't', partition: 0, lag: 5 },
      { topic: 't', partition: 1, lag: 7 },
    ]);
    lag.record('other', [{ topic: 't', partition: 0, lag: 1 }]);
    lag.record('g', [{ topic: 't', partition: 1, lag: 2 }]);
    expect(await series(registry, 'pulse_kafka_consumer_lag')).toEqual([
      { labels: { group: 'g', topic: 't', partition: '1' }, value: 2 },
      { labels: { group: 'other', topic: 't', partition: '0' }, value: 1 },
    ]);
    lag.failed('g');
    expect(await series(registry, 'pulse_kafka_consumer_lag_refresh_failures_total')).toEqual([
      { labels: { group: 'g' }, value: 1 },
      { labels: { group: 'other' }, value: 0 },
    ]);
  });
});
