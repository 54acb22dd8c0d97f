import type { Trigger } from '@pulse/trigger';
import { describe, expect, it } from 'vitest';
import { campaign, decisionRows, eventually, settled, stored, triggerTestSetup } from './trigger-harness.js';

const { harness } = triggerTestSetup();

const order = (userId: string, n: number, revenue: number, at = Date.UTC(2026, 0, 5, 12, n)) =>
  stored({
    type: 'track',
    event: 'Order Completed',
    userId,
    messageId: `${userId}-order-${n}`,
    timestamp: new Date(at).toISOString(),
    properties: { order_id: `${userId}-${n}`, revenue },
  });

async function occasionsAdded(trigger: Trigger): Promise<number> {
  const metric = await trigger.registry.getSingleMetric('pulse_trigger_occasions_total')?.get();
  return (metric?.values ?? []).reduce((s, v) => s + v.value, 0);
}

describe('trigger service: event campaigns', () => {
  it('sends a signed webhook for each order over 100 and for the third order, and records the decisions', async () => {
    const h = harness();
    const receiver = await h.receiver();
    const channel = { type: 'webhook', url: receiver.url };
    const trigger = await h.start([
      campaign({
        id: 'big-orders',
        trigger: {
          kind: 'event',
          event: 'Order Completed',
          where: [{ field: 'properties.revenue', op: 'gt', value: 100 }],
        },
        frequencyCap: { max: 10, windowHours: 24 },
        channel,
        variants: [
          {
            name: 'thanks',
            template: {
              text: 'Thanks for {{event.properties.revenue}}',
              order: '{{event.properties.order_id}}',
            },
          },
        ],
      }),
      campaign({
        id: 'third-order',
        trigger: { kind: 'event', event: 'Order Completed', nth: 3 },
        channel,
        variants: [{ name: 'loyal', template: { text: 'Third order!' } }],
      }),
    ]);
    await h.produce([
      order('ann', 1, 150),
      order('bob', 1, 50),
      order('bob', 2, 60),
      order('bob', 3, 70),
      order('ann', 2, 99),
    ]);

    await eventually('two webhooks', () => (receiver.received.length >= 2 ? true : undefined));
    await settled(h, trigger);
    const got = receiver.received.map((r) => `${r.payload['campaign']}/${r.payload['person']}`).sort();
    expect(got).toEqual(['big-orders/ann', 'third-order/bob']);
    const big = receiver.received.find((r) => r.payload['campaign'] === 'big-orders');
    expect(big?.payload['message']).toEqual({ text: 'Thanks for 150', order: 'ann-1' });
    expect(receiver.rejected).toBe(0);

    const rows = await eventually('decisions in ClickHouse', async () => {
      const r = await decisionRows(h, trigger);
      return r.length >= 2 ? r : undefined;
    });
    expect(rows.map((r) => [r.campaign_id, r.person, r.outcome])).toEqual([
      ['big-orders', 'ann', 'sent'],
      ['third-order', 'bob', 'sent'],
    ]);

    const metrics = await trigger.registry.metrics();
    expect(metrics).toMatch(
      /pulse_actions_total\{[^}]*campaign="big-orders",channel="webhook",outcome="delivered"[^}]*\} 1/,
    );
    expect(metrics).toMatch(/pulse_event_to_action_seconds_count\{[^}]*channel="webhook"[^}]*\} 2/);
    expect(metrics).toMatch(/pulse_queue_jobs\{[^}]*queue="trigger-occasions",state="failed"[^}]*\} 0/);
    expect(metrics).toMatch(/pulse_trigger_events_total\{[^}]*outcome="unmatched"[^}]*\} 3/);
  });

  it('acts exactly once when the same records are produced twice and the group re-reads the topic', async () => {
    const h = harness();
    const receiver = await h.receiver();
    const campaigns = [
      campaign({
        id: 'every-order',
        trigger: { kind: 'event', event: 'Order Completed' },
        frequencyCap: { max: 100, windowHours: 24 },
        channel: { type: 'webhook', url: receiver.url },
      }),
    ];
    const events = Array.from({ length: 30 }, (_, i) => order(`p${i % 10}`, i, 10));
    let trigger = await h.start(campaigns);
    await h.produce(events);
    await h.produce(events); // a producer retry or a replay: the same messageIds again
    await eventually('30 webhooks', () => (receiver.received.length >= 30 ? true : undefined));
    await settled(h, trigger);
    expect(await occasionsAdded(trigger)).toBe(60);
    await trigger.close();

    // Restart reading from the beginning, as after lost offsets or a replay of the topic.
    const admin = h.kafka.admin();
    await admin.connect();
    await admin.resetOffsets({ groupId: `${h.prefix}-trigger`, topic: h.topic, earliest: true });
    await admin.disconnect();
    trigger = await h.start(campaigns);
    await eventually('the records read again', async () =>
      (await occasionsAdded(trigger)) >= 60 ? true : undefined,
    );
    await settled(h, trigger);
    await new Promise((r) => setTimeout(r, 500));

    expect(receiver.received).toHaveLength(30);
    expect(receiver.duplicates).toBe(0);
    expect(new Set(receiver.received.map((r) => r.id)).size).toBe(30);
    const rows = await decisionRows(h, trigger);
    expect(rows.filter((r) => r.outcome === 'sent')).toHaveLength(30);
  });

  it('wins back people whose last order was not followed by another one within the wait', async () => {
    const h = harness();
    const receiver = await h.receiver();
    const days = 2 / 86_400; // two seconds: the wait is measured from the collector's receive time
    const trigger = await h.start([
      campaign({
        id: 'win-back',
        trigger: { kind: 'inactivity', days },
        frequencyCap: { max: 5, windowHours: 24 },
        channel: { type: 'webhook', url: receiver.url },
        variants: [{ name: 'miss-you', template: { text: 'We miss you' } }],
      }),
    ]);
    const t0 = Date.now();
    await h.produce([order('quiet', 1, 20, t0), order('loyal', 1, 20, t0)]);
    await new Promise((r) => setTimeout(r, 700));
    await h.produce([order('loyal', 2, 20, t0 + 700)]);
    await eventually('two win-back webhooks', () => (receiver.received.length >= 2 ? true : undefined));
    await settled(h, trigger);
    const rows = await eventually('three decisions', async () => {
      const r = await decisionRows(h, trigger);
      return r.length >= 3 ? r : undefined;
    });
    expect(rows.map((r) => [r.person, r.occasion, r.outcome])).toEqual([
      ['loyal', 'inactive-after-loyal-order-1', 'converted'],
      ['loyal', 'inactive-after-loyal-order-2', 'sent'],
      ['quiet', 'inactive-after-quiet-order-1', 'sent'],
    ]);
    for (const r of receiver.received) expect(r.receivedAt - t0).toBeGreaterThanOrEqual(1950);
  });
});
