import { type StoredEvent, toStoredEvent, validateEvent } from '@pulse/events';
import { describe, expect, it } from 'vitest';
import { recsLoadPlan } from './recs-api-latency.js';

function stored(call: Record<string, unknown>): StoredEvent {
  const receivedAt = new Date('2011-01-01T00:00:00Z');
  const v = validateEvent({ timestamp: receivedAt.toISOString(), ...call }, { receivedAt });
  if (!v.ok) throw new Error(JSON.stringify(v.problems));
  return toStoredEvent(v.value, { receivedAt, sourceId: 'test' });
}

const events = [
  stored({ type: 'identify', userId: '17850', traits: { country: 'United Kingdom' } }),
  stored({
    type: 'track',
    event: 'Order Completed',
    userId: '17850',
    properties: { order_id: '536365', products: [{ product_id: '85123A' }, { product_id: '71053' }] },
  }),
  stored({
    type: 'track',
    event: 'Product Viewed',
    anonymousId: 'guest 1/2',
    properties: { product_id: 'POST/1' },
  }),
];

describe('recsLoadPlan', () => {
  it('alternates similar items and per-person requests over the ids of the interactions', () => {
    const { paths } = recsLoadPlan(events, 200, 10);
    expect(paths).toHaveLength(200);
    const items = new Set(paths.filter((_, i) => i % 2 === 0));
    const people = new Set(paths.filter((_, i) => i % 2 === 1));
    expect(items).toEqual(
      new Set([
        '/v1/recommendations/items/85123A?k=10',
        '/v1/recommendations/items/71053?k=10',
        '/v1/recommendations/items/POST%2F1?k=10',
      ]),
    );
    expect(people).toEqual(
      new Set(['/v1/recommendations/users/17850?k=10', '/v1/recommendations/users/guest%201%2F2?k=10']),
    );
  });

  it('asks the same questions every run, and refuses events without items', () => {
    expect(recsLoadPlan(events, 50, 5)).toEqual(recsLoadPlan(events, 50, 5));
    expect(() => recsLoadPlan(events.slice(0, 1), 10, 10)).toThrow('no interactions');
  });
});
