import { toStoredEvent, validateEvent } from '@pulse/events';
import { describe, expect, it } from 'vitest';
import { RecsIncrementalModel } from '../recs/incremental.js';
import { SegmentsModel } from '../segments/segments-model.js';
import { buildModelingApi } from './api-server.js';
import { RecentItemsModel } from './recent-items.js';
import { isServingModel, Recommender } from './recommender.js';

const KEY = 'modeling-key-0123456789';

function api(apiKey?: string) {
  const recs = new RecsIncrementalModel('hybrid');
  const people = new RecentItemsModel({ perPerson: 20, purchasedPerPerson: 50, people: 100 });
  const segments = new SegmentsModel({});
  const receivedAt = new Date('2024-01-01T00:00:00Z');
  for (const [n, products] of [
    ['1', ['a', 'b']],
    ['2', ['a', 'b', 'c']],
    ['3', ['b', 'c']],
  ] as const) {
    const v = validateEvent(
      {
        type: 'track',
        event: 'Order Completed',
        userId: `u${n}`,
        messageId: `m${n}`,
        properties: {
          order_id: `o${n}`,
          total: 10,
          products: products.map((p) => ({ product_id: p, name: `mug ${p}` })),
        },
      },
      { receivedAt },
    );
    if (!v.ok) throw new Error(JSON.stringify(v.problems));
    const e = toStoredEvent(v.value, { receivedAt, sourceId: 's' });
    recs.apply(e);
    people.apply(e);
    segments.apply(e);
  }
  const model = () => {
    const m = recs.model;
    if (!isServingModel(m)) throw new Error('not a serving model');
    return m;
  };
  return buildModelingApi({
    recommender: new Recommender(model, people, 100),
    segments,
    defaultK: 10,
    ...(apiKey ? { apiKey } : {}),
  });
}

describe('the modeling API', () => {
  it('needs its own key when one is set, compared in constant time', async () => {
    const app = api(KEY);
    const url = '/v1/recommendations/items/a?k=2';
    expect((await app.inject({ url })).statusCode).toBe(401);
    expect((await app.inject({ url, headers: { authorization: 'Bearer wrong' } })).json()).toMatchObject({
      error: 'unauthorized',
    });
    const ok = await app.inject({ url, headers: { authorization: `Bearer ${KEY}` } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().items.map((r: { item: string }) => r.item)).toContain('b');
  });

  it('answers 400 naming the parameter and 404 for an unknown item or customer', async () => {
    const app = api();
    expect((await app.inject({ url: '/v1/recommendations/items/a?k=0' })).json()).toMatchObject({
      error: 'invalid_parameter',
      field: 'k',
    });
    expect((await app.inject({ url: '/v1/recommendations/items/a?k=1001' })).statusCode).toBe(400);
    expect((await app.inject({ url: '/v1/recommendations/items/zzz' })).statusCode).toBe(404);
    expect((await app.inject({ url: '/v1/customers/nobody' })).statusCode).toBe(404);
    expect((await app.inject({ url: '/v1/segments/rule:none' })).statusCode).toBe(404);
    expect((await app.inject({ url: '/v1/segments/x?limit=-1' })).json()).toMatchObject({ field: 'limit' });
    // Someone who bought a and b gets neither back.
    const forU1 = await app.inject({ url: '/v1/recommendations/users/u1?k=5' });
    expect(forU1.json().items.map((r: { item: string }) => r.item)).not.toContain('a');
    expect(forU1.json().items.map((r: { item: string }) => r.item)).toEqual(['c']);
  });
});
