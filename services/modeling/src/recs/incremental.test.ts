import { mapOttoSession, readOttoSessions } from '@pulse/datasets';
import { type StoredEvent, toStoredEvent, validateEvent } from '@pulse/events';
import { describe, expect, it } from 'vitest';
import { RecsIncrementalModel } from './incremental.js';
import { interactionsFromStoredEvent } from './interaction.js';

function stored(call: unknown): StoredEvent {
  const result = validateEvent(JSON.parse(JSON.stringify(call)));
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return toStoredEvent(result.value, { receivedAt: new Date('2026-01-01T00:00:00Z'), sourceId: 'test' });
}

/** The OTTO sample as the worker sees it: Segment calls through the event contract, in time order. */
async function ottoStoredEvents(): Promise<StoredEvent[]> {
  const calls = [];
  for await (const session of readOttoSessions({ dataDir: process.env['PULSE_DATA_DIR'] })) {
    calls.push(...mapOttoSession(session));
  }
  calls.sort((a, b) => a.timestamp.getTime() - b.timestamp.getTime());
  return calls.map(stored);
}

describe('interactionsFromStoredEvent', () => {
  const ts = '2022-08-01T00:00:00.000Z';
  it('reads views, adds to cart and every product of an order, with names as texts', () => {
    const view = stored({
      type: 'track',
      event: 'Product Viewed',
      userId: 'u1',
      timestamp: ts,
      properties: { product_id: '85123A', name: 'WHITE HANGING HEART T-LIGHT HOLDER' },
    });
    expect(interactionsFromStoredEvent(view)).toEqual([
      {
        session: 'u1',
        item: '85123A',
        kind: 'view',
        ts: Date.parse(ts),
        text: 'WHITE HANGING HEART T-LIGHT HOLDER',
      },
    ]);
    const order = stored({
      type: 'track',
      event: 'Order Completed',
      anonymousId: 'a1',
      timestamp: ts,
      properties: { order_id: 'o1', products: [{ product_id: 'p1' }, { sku: 'p2' }, { name: 'no id' }] },
    });
    expect(interactionsFromStoredEvent(order).map((x) => [x.session, x.item, x.kind])).toEqual([
      ['a1', 'p1', 'purchase'],
      ['a1', 'p2', 'purchase'],
    ]);
  });

  it('finds no interaction in events that carry none', () => {
    const identify = stored({ type: 'identify', userId: 'u1', traits: { email: 'a@b.c' } });
    const refund = stored({
      type: 'track',
      event: 'Order Refunded',
      userId: 'u1',
      properties: { order_id: 'o1', products: [{ product_id: 'p1' }] },
    });
    expect([...interactionsFromStoredEvent(identify), ...interactionsFromStoredEvent(refund)]).toEqual([]);
  });
});

describe('RecsIncrementalModel', () => {
  it('applies stored events and resumes from its checkpoint exactly (the worker’s contract)', async () => {
    const events = await ottoStoredEvents();
    const whole = new RecsIncrementalModel('item-cosine');
    for (const e of events) whole.apply(e);
    const first = new RecsIncrementalModel('item-cosine');
    for (const e of events.slice(0, 400)) first.apply(e);
    const resumed = new RecsIncrementalModel('item-cosine');
    resumed.restore(JSON.parse(JSON.stringify(first.snapshot())));
    for (const e of events.slice(400)) resumed.apply(e);
    expect(resumed.snapshot()).toEqual(whole.snapshot());
    const history = ['1517085', '1563459'];
    expect(resumed.model.recommend(history, 10)).toEqual(whole.model.recommend(history, 10));
    expect(whole.model.recommend(history, 10).filter((r) => r.score > 0).length).toBeGreaterThan(0);
  });

  it('refuses a snapshot of something else', () => {
    expect(() => new RecsIncrementalModel('svd').restore({ model: { kind: 'segments' } })).toThrow(
      /not a recommendation model snapshot/,
    );
  });
});
