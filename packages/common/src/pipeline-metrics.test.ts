import { describe, expect, it } from 'vitest';
import { createActionMetrics } from './action-metrics.js';
import { createMetricsRegistry } from './metrics.js';
import { createModelMetrics } from './model-metrics.js';
import { registerQueueDepths } from './queue-metrics.js';

const registry = () => createMetricsRegistry('helpers-test', { defaultMetrics: false });

/** The value of one series, whatever order prom-client writes the labels in. */
async function seriesValue(
  r: ReturnType<typeof registry>,
  name: string,
  labels: Record<string, string>,
): Promise<number | undefined> {
  for (const metric of await r.getMetricsAsJSON()) {
    for (const v of metric.values as Array<{
      metricName?: string;
      labels: Record<string, unknown>;
      value: number;
    }>) {
      const series = v.metricName ?? metric.name;
      if (series === name && Object.entries(labels).every(([k, want]) => String(v.labels[k]) === want))
        return v.value;
    }
  }
  return undefined;
}

describe('metric helpers for the modeling and trigger services', () => {
  it('model freshness is the age of the newest event reflected, computed when scraped', async () => {
    const r = registry();
    let now = Date.UTC(2024, 0, 1, 12, 0, 0);
    const models = createModelMetrics(r, () => now);
    models.updated('item-similarity', 3);
    models.reflects('item-similarity', new Date(now - 4000));
    models.reflects('item-similarity', now - 9000); // older: ignored
    now += 6000;
    expect(await seriesValue(r, 'pulse_model_updates_total', { model: 'item-similarity' })).toBe(3);
    expect(await seriesValue(r, 'pulse_model_freshness_seconds', { model: 'item-similarity' })).toBe(10);
  });

  it('queue depth by state is read from the queues when scraped, and left out when the read fails', async () => {
    const r = registry();
    let fail = false;
    registerQueueDepths(r, async () => {
      if (fail) throw new Error('redis down');
      return { 'campaign-actions': { waiting: 12, active: 2, failed: 1 } };
    });
    const queue = 'campaign-actions';
    expect(await seriesValue(r, 'pulse_queue_jobs', { queue, state: 'waiting' })).toBe(12);
    expect(await seriesValue(r, 'pulse_queue_jobs', { queue, state: 'active' })).toBe(2);
    expect(await seriesValue(r, 'pulse_queue_jobs', { queue, state: 'delayed' })).toBe(0);
    fail = true;
    expect(await seriesValue(r, 'pulse_queue_jobs', { queue })).toBeUndefined();
  });

  it('actions count by campaign, channel and outcome, and time event-to-action', async () => {
    const r = registry();
    const now = Date.UTC(2024, 0, 1);
    const actions = createActionMetrics(r, () => now);
    actions.record({ campaign: 'welcome', channel: 'webhook', outcome: 'delivered', eventTime: now - 300 });
    actions.record({ campaign: 'welcome', channel: 'webhook', outcome: 'capped' });
    const welcome = { campaign: 'welcome', channel: 'webhook' };
    expect(await seriesValue(r, 'pulse_actions_total', { ...welcome, outcome: 'delivered' })).toBe(1);
    expect(await seriesValue(r, 'pulse_actions_total', { ...welcome, outcome: 'capped' })).toBe(1);
    const bucket = (le: string) =>
      seriesValue(r, 'pulse_event_to_action_seconds_bucket', { channel: 'webhook', le });
    expect(await bucket('0.25')).toBe(0);
    expect(await bucket('0.5')).toBe(1);
    expect(await seriesValue(r, 'pulse_event_to_action_seconds_count', { channel: 'webhook' })).toBe(1);
  });
});
