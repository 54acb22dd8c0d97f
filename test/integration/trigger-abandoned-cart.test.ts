import type { OttoSession } from '@pulse/datasets';
import { mapOttoSession, readOttoSessions } from '@pulse/datasets';
import { describe, expect, it } from 'vitest';
import { campaign, decisionsOnce, eventually, settled, stored, triggerTestSetup } from './trigger-harness.js';

const { harness } = triggerTestSetup();
const WAIT_SECONDS = 2;

/**
 * What the data says, independently of the service: a cart opens an
 * occasion per stretch between two orders; it is abandoned when no order
 * follows its first add, converted when one does.
 */
function expectedCarts(s: OttoSession): { abandoned: number; converted: number } {
  const orderTimes = [...new Set(s.events.filter((e) => e.type === 'orders').map((e) => e.ts))];
  const firstAddByStretch = new Map<number, number>();
  for (const e of s.events) {
    if (e.type !== 'carts') continue;
    const stretch = orderTimes.filter((t) => t <= e.ts).length;
    if (!firstAddByStretch.has(stretch)) firstAddByStretch.set(stretch, e.ts);
  }
  let abandoned = 0;
  let converted = 0;
  for (const added of firstAddByStretch.values()) {
    if (orderTimes.some((t) => t > added)) converted++;
    else abandoned++;
  }
  return { abandoned, converted };
}

describe('abandoned cart on the OTTO sample', () => {
  it('fires after the wait for carts no order followed, and turns carts followed by an order into no-ops', async () => {
    const sessions: OttoSession[] = [];
    for await (const s of readOttoSessions()) sessions.push(s);
    expect(sessions.length).toBeGreaterThan(10);

    const h = harness();
    const receiver = await h.receiver();
    const trigger = await h.start([
      campaign({
        id: 'abandoned-cart',
        trigger: { kind: 'abandoned_cart', waitSeconds: WAIT_SECONDS },
        channel: { type: 'webhook', url: receiver.url },
        variants: [
          { name: 'reminder', template: { text: 'You left {{event.properties.product_id}} in your cart' } },
        ],
      }),
    ]);
    const receivedAt = new Date();
    const events = sessions.flatMap((s) =>
      mapOttoSession(s).map((call) =>
        stored({ ...call, timestamp: call.timestamp.toISOString() }, receivedAt),
      ),
    );
    await h.produce(events);

    const expected = new Map(sessions.map((s) => [`otto-${s.session}`, expectedCarts(s)]));
    const abandoned = [...expected]
      .filter(([, e]) => e.abandoned > 0)
      .map(([p]) => p)
      .sort();
    const converted = [...expected].reduce((n, [, e]) => n + e.converted, 0);
    // The sample has both kinds: sessions that end with a cart and sessions that never cart.
    expect(abandoned.length).toBeGreaterThan(3);
    expect(abandoned.length).toBeLessThan(sessions.length);
    expect(converted).toBeGreaterThan(0);

    await eventually('the abandoned-cart webhooks', () =>
      receiver.received.length >= abandoned.length ? true : undefined,
    );
    await settled(h, trigger);
    const rows = await decisionsOnce(h, trigger, abandoned.length + converted);

    expect(receiver.received.map((r) => String(r.payload['person'])).sort()).toEqual(abandoned);
    for (const r of receiver.received) {
      expect(r.receivedAt - receivedAt.getTime()).toBeGreaterThanOrEqual(WAIT_SECONDS * 1000 - 50);
      expect(String((r.payload['message'] as { text: string }).text)).toMatch(/^You left \d+ in your cart$/);
    }
    expect(
      rows
        .filter((r) => r.outcome === 'sent')
        .map((r) => r.person)
        .sort(),
    ).toEqual(abandoned);
    expect(rows.filter((r) => r.outcome === 'converted')).toHaveLength(converted);
    expect(rows.filter((r) => r.outcome !== 'sent' && r.outcome !== 'converted')).toEqual([]);
    // Sessions that never added to a cart opened no occasion at all.
    const neverCarted = sessions
      .filter((s) => !s.events.some((e) => e.type === 'carts'))
      .map((s) => `otto-${s.session}`);
    expect(neverCarted.length).toBeGreaterThan(0);
    expect(rows.filter((r) => neverCarted.includes(r.person))).toEqual([]);
  });

  it('does not fire when the order arrives during the wait', async () => {
    const h = harness();
    const receiver = await h.receiver();
    const trigger = await h.start([
      campaign({
        id: 'abandoned-cart',
        trigger: { kind: 'abandoned_cart', waitSeconds: WAIT_SECONDS },
        channel: { type: 'webhook', url: receiver.url },
      }),
    ]);
    const t0 = Date.now();
    const add = (user: string, at: number) =>
      stored({
        type: 'track',
        event: 'Product Added',
        userId: user,
        messageId: `${user}-add`,
        timestamp: new Date(at).toISOString(),
        properties: { product_id: 'p1' },
      });
    await h.produce([add('buyer', t0), add('browser', t0)]);
    await new Promise((r) => setTimeout(r, 500));
    await h.produce([
      stored({
        type: 'track',
        event: 'Order Completed',
        userId: 'buyer',
        messageId: 'buyer-order',
        timestamp: new Date(t0 + 500).toISOString(),
        properties: { order_id: 'o1' },
      }),
    ]);
    const rows = await decisionsOnce(h, trigger, 2);
    expect(rows.map((r) => [r.person, r.outcome])).toEqual([
      ['browser', 'sent'],
      ['buyer', 'converted'],
    ]);
    expect(receiver.received.map((r) => r.payload['person'])).toEqual(['browser']);
  });
});
