import { describe, expect, it } from 'vitest';
import { eventually, settled, stored, triggerTestSetup } from './trigger-harness.js';

const { harness } = triggerTestSetup();

const order = (userId: string, n: number) =>
  stored({
    type: 'track',
    event: 'Order Completed',
    userId,
    messageId: `${userId}-order-${n}`,
    timestamp: new Date().toISOString(),
    properties: { order_id: `${userId}-${n}` },
  });

describe('campaign API', () => {
  it('creates, lists, pauses and resumes campaigns, which survive a restart', async () => {
    const h = harness();
    let refuse = false;
    const receiver = await h.receiver(() => (refuse ? 410 : 200));
    const trigger = await h.start([]);

    const invalid = await trigger.api.inject({
      method: 'PUT',
      url: '/campaigns/thanks',
      payload: {
        trigger: { kind: 'event', event: 'Order Completed' },
        channel: { type: 'webhook', url: 'nope' },
        variants: [],
      },
    });
    expect(invalid.statusCode).toBe(400);
    expect(
      invalid
        .json()
        .problems.map((p: { field: string }) => p.field)
        .sort(),
    ).toEqual(['channel.url', 'variants']);

    const definition = {
      trigger: { kind: 'event', event: 'Order Completed' },
      frequencyCap: { max: 10, windowHours: 1 },
      channel: { type: 'webhook', url: receiver.url },
      variants: [{ name: 'a', template: { text: 'thanks {{person}}' } }],
    };
    const created = await trigger.api.inject({
      method: 'PUT',
      url: '/campaigns/thanks',
      payload: definition,
    });
    expect(created.statusCode).toBe(201);
    const list = await trigger.api.inject({ method: 'GET', url: '/campaigns' });
    expect(list.json().campaigns.map((c: { id: string }) => c.id)).toEqual(['thanks']);

    await h.produce([order('ann', 1)]);
    await eventually('the new campaign’s webhook', () => (receiver.received.length === 1 ? true : undefined));
    expect(receiver.received[0]?.payload['message']).toEqual({ text: 'thanks ann' });

    expect(
      (await trigger.api.inject({ method: 'POST', url: '/campaigns/thanks/pause' })).json().campaign.enabled,
    ).toBe(false);
    await h.produce([order('ann', 2)]);
    await settled(h, trigger);
    await new Promise((r) => setTimeout(r, 300));
    expect(receiver.received).toHaveLength(1);

    await trigger.api.inject({ method: 'POST', url: '/campaigns/thanks/resume' });
    refuse = true;
    await h.produce([order('ann', 3)]);
    const failed = await eventually('a failed delivery', async () => {
      const res = await trigger.api.inject({ method: 'GET', url: '/campaigns/thanks/failed' });
      const items = res.json().failed as Array<{ person: string; reason: string }>;
      return items.length > 0 ? items : undefined;
    });
    expect(failed).toEqual([
      expect.objectContaining({ person: 'ann', reason: expect.stringMatching(/answered 410/) }),
    ]);
    refuse = false;
    const retried = await trigger.api.inject({ method: 'POST', url: '/campaigns/thanks/failed/retry' });
    expect(retried.json()).toEqual({ retried: 1, errors: [] });
    await eventually('the retried webhook', () => (receiver.received.length === 2 ? true : undefined));
    await trigger.close();

    // No files define it: the stored definition comes back after a restart.
    const again = await h.start([]);
    const after = await again.api.inject({ method: 'GET', url: '/campaigns/thanks' });
    expect(after.statusCode).toBe(200);
    expect(after.json().campaign.channel.url).toBe(receiver.url);
  });

  it('refuses a template using recommendations while no recommendations API is configured', async () => {
    const h = harness();
    const trigger = await h.start([]);
    const res = await trigger.api.inject({
      method: 'PUT',
      url: '/campaigns/recs',
      payload: {
        trigger: { kind: 'event', event: 'Order Completed' },
        audience: { segments: ['rfm:champions'] },
        channel: { type: 'log' },
        variants: [{ name: 'a', template: { items: '{{recommendations}}' } }],
      },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({
      code: 'PULSE_CAMPAIGN_UNSUPPORTED',
      error: expect.stringMatching(/TRIGGER_RECS_URL/),
    });
  });
});
