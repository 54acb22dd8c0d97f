import { type StoredEvent, toStoredEvent, validateEvent } from '@pulse/events';
import { describe, expect, it } from 'vitest';
import { activityFromStoredEvent } from './activity.js';

const receivedAt = new Date('2024-03-01T12:00:00.000Z');

function stored(event: Record<string, unknown>): StoredEvent {
  const validated = validateEvent(
    { timestamp: '2024-03-01T11:00:00.000Z', messageId: 'm1', ...event },
    { receivedAt },
  );
  if (!validated.ok) throw new Error(JSON.stringify(validated.problems));
  return toStoredEvent(validated.value, { receivedAt, sourceId: 's' });
}

describe('activities from stored events', () => {
  it('reads an order: total in pennies, units and products', () => {
    const result = activityFromStoredEvent(
      stored({
        type: 'track',
        event: 'Order Completed',
        userId: 'u1',
        properties: {
          order_id: 'o1',
          total: 31.57,
          products: [
            { product_id: 'a', price: 1.5, quantity: 3 },
            { sku: 'b', price: 9.99, quantity: 2 },
          ],
        },
      }),
    );
    expect(result).toMatchObject({
      kind: 'activity',
      activity: {
        userKey: 'u1',
        identified: true,
        kind: 'order',
        amountPennies: 3157,
        units: 5,
        productIds: ['a', 'b'],
        timeMs: Date.parse('2024-03-01T11:00:00.000Z'),
      },
    });
  });

  it('reads a refund, a view by an anonymous visitor, and falls back to the products sum', () => {
    const refund = activityFromStoredEvent(
      stored({
        type: 'track',
        event: 'Order Refunded',
        userId: 'u1',
        properties: { order_id: 'o1', total: 5 },
      }),
    );
    expect(refund).toMatchObject({ activity: { kind: 'refund', amountPennies: 500 } });
    const viewed = activityFromStoredEvent(
      stored({ type: 'track', event: 'Product Viewed', anonymousId: 'a1', properties: { product_id: 'p7' } }),
    );
    expect(viewed).toMatchObject({
      activity: { kind: 'view', identified: false, userKey: 'a1', productIds: ['p7'] },
    });
    const summed = activityFromStoredEvent(
      stored({
        type: 'track',
        event: 'Order Completed',
        userId: 'u2',
        properties: { order_id: 'o2', products: [{ product_id: 'a', price: 2.5, quantity: 2 }] },
      }),
    );
    expect(summed).toMatchObject({ activity: { amountPennies: 500 } });
  });

  it('skips what segments do not read and refuses an order it cannot value', () => {
    expect(activityFromStoredEvent(stored({ type: 'identify', userId: 'u1', traits: {} }))).toEqual({
      kind: 'skip',
      reason: 'not_a_track_event',
    });
    const event = stored({
      type: 'track',
      event: 'Order Completed',
      userId: 'u1',
      properties: { order_id: 'o3' },
    });
    expect(activityFromStoredEvent(event)).toEqual({
      kind: 'invalid',
      reason: 'Order Completed has no numeric total or revenue',
    });
  });
});
