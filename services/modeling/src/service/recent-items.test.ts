import { toStoredEvent, validateEvent } from '@pulse/events';
import { describe, expect, it } from 'vitest';
import { RecentItemsModel } from './recent-items.js';

const receivedAt = new Date('2024-01-01T00:00:00Z');

function order(userId: string, n: number, products: string[]) {
  const v = validateEvent(
    {
      type: 'track',
      event: 'Order Completed',
      userId,
      messageId: `m${n}`,
      properties: { order_id: `o${n}`, total: 10, products: products.map((p) => ({ product_id: p })) },
    },
    { receivedAt },
  );
  if (!v.ok) throw new Error(JSON.stringify(v.problems));
  return toStoredEvent(v.value, { receivedAt, sourceId: 's' });
}

describe('RecentItemsModel.purchasedSet', () => {
  it('is what the person bought, kept between answers and renewed when they buy again', () => {
    const people = new RecentItemsModel({ perPerson: 5, purchasedPerPerson: 3, people: 10 });
    expect(people.purchasedSet('ada').size).toBe(0);
    people.apply(order('ada', 1, ['p1', 'p2']));
    const first = people.purchasedSet('ada');
    expect([...first]).toEqual(['p1', 'p2']);
    expect(people.purchasedSet('ada')).toBe(first);
    people.apply(order('ada', 2, ['p3', 'p4']));
    // purchasedPerPerson 3: the oldest purchase left.
    expect([...people.purchasedSet('ada')]).toEqual(['p2', 'p3', 'p4']);
  });

  it('is empty again once the person is forgotten or restored away', () => {
    const people = new RecentItemsModel({ perPerson: 5, purchasedPerPerson: 3, people: 1 });
    people.apply(order('ada', 1, ['p1']));
    expect(people.purchasedSet('ada').has('p1')).toBe(true);
    // Room for one person: bob's arrival forgets ada.
    people.apply(order('bob', 2, ['p2']));
    expect(people.purchasedSet('ada').size).toBe(0);
    expect(people.purchasedSet('bob').has('p2')).toBe(true);
    people.restore({ v: 1, people: [] });
    expect(people.purchasedSet('bob').size).toBe(0);
  });
});
