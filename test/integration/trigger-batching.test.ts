import { describe, expect, it } from 'vitest';
import { campaign, decisionRows, eventually, settled, stored, triggerTestSetup } from './trigger-harness.js';

const { harness } = triggerTestSetup();

const PEOPLE = 120;
const t0 = Date.UTC(2026, 0, 5, 12);

const order = (userId: string, n: number) =>
  stored({
    type: 'track',
    event: 'Order Completed',
    userId,
    messageId: `${userId}-order-${n}`,
    timestamp: new Date(t0 + n * 1000).toISOString(),
    properties: { order_id: `${userId}-${n}` },
  });

describe('a batch of events handled with one Redis pipeline', () => {
  it('keeps Nth-order counting exact under out-of-order times and duplicates, reads traits and orders written earlier in the batch, and acts once on a replay', async () => {
    const h = harness();
    const receiver = await h.receiver();
    const channel = { type: 'webhook', url: receiver.url, rateLimit: { max: 10_000, perSeconds: 1 } };
    const campaigns = [
      campaign({
        id: 'third-order',
        trigger: { kind: 'event', event: 'Order Completed', nth: 3 },
        audience: { traits: [{ field: 'traits.tier', op: 'eq', value: 'gold' }] },
        channel,
        variants: [{ name: 'a', template: { order: '{{event.properties.order_id}}' } }],
      }),
      campaign({
        id: 'cart',
        trigger: { kind: 'abandoned_cart', waitSeconds: 1 },
        channel,
      }),
    ];
    const trigger = await h.start(campaigns);
    const events = [];
    for (let i = 0; i < PEOPLE; i++) {
      const p = `p${i}`;
      // The identify comes in the same batch as the orders the audience needs it for.
      events.push(stored({ type: 'identify', userId: p, messageId: `${p}-id`, traits: { tier: 'gold' } }));
      // Out of time order, with a duplicate: ranks by time are 1, 1, 1 (repeat), 3, 4.
      events.push(order(p, 2), order(p, 1), order(p, 1), order(p, 3), order(p, 4));
    }
    // A cart add right after an order in the same batch sees that order.
    events.push(
      order('shopper', 1),
      stored({
        type: 'track',
        event: 'Product Added',
        userId: 'shopper',
        messageId: 'shopper-add-1',
        timestamp: new Date(t0 + 5000).toISOString(),
        properties: { product_id: 'sku-1' },
      }),
    );
    await h.produce(events);
    await eventually('a webhook per person and the cart', () =>
      receiver.received.length >= PEOPLE + 1 ? true : undefined,
    );
    await settled(h, trigger);
    const third = receiver.received.filter((r) => r.payload['campaign'] === 'third-order');
    expect(third).toHaveLength(PEOPLE);
    for (const r of third) {
      expect(r.payload['message']).toEqual({ order: `${String(r.payload['person'])}-3` });
    }
    const cart = receiver.received.filter((r) => r.payload['campaign'] === 'cart');
    expect(cart.map((r) => [r.payload['person'], r.payload['occasion']])).toEqual([
      ['shopper', 'cart-after-1-orders'],
    ]);

    // The same records again: every count, rank and job id is what it was.
    await h.produce(events);
    await settled(h, trigger);
    await new Promise((r) => setTimeout(r, 500));
    expect(receiver.received).toHaveLength(PEOPLE + 1);
    expect(receiver.duplicates).toBe(0);
    const rows = await decisionRows(h, trigger);
    expect(rows.filter((r) => r.outcome === 'sent')).toHaveLength(PEOPLE + 1);
  });
});
