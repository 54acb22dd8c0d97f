import { describe, expect, it } from 'vitest';
import { ECOMMERCE_EVENTS, isEcommerceEvent, productsOf } from './ecommerce.js';
import type { Problem } from './problems.js';
import { type StoredEvent, toStoredEvent } from './stored-event.js';
import { orderCompleted, RECEIVED_AT } from './test-fixtures.js';
import type { JsonObject, SegmentEvent } from './types.js';
import { validateEvent } from './validate.js';

function track(event: string, properties?: unknown): Record<string, unknown> {
  return { type: 'track', userId: 'u', event, properties };
}

function validProperties(input: Record<string, unknown>): JsonObject | undefined {
  const result = validateEvent(input, { receivedAt: RECEIVED_AT });
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.value.properties;
}

function problemsOf(input: Record<string, unknown>): Problem[] {
  const result = validateEvent(input, { receivedAt: RECEIVED_AT });
  if (result.ok) throw new Error(`expected problems, got ${JSON.stringify(result.value)}`);
  return result.problems;
}

function summary(problems: Problem[]): string[][] {
  return problems.map((p) => [p.path, p.code]);
}

describe('e-commerce names', () => {
  it('lists the seven spec events', () => {
    expect(ECOMMERCE_EVENTS).toEqual([
      'Product Viewed',
      'Product Added',
      'Product Removed',
      'Cart Viewed',
      'Checkout Started',
      'Order Completed',
      'Order Refunded',
    ]);
    expect(Object.isFrozen(ECOMMERCE_EVENTS)).toBe(true);
  });

  it('recognises them exactly', () => {
    expect(isEcommerceEvent('Order Completed')).toBe(true);
    expect(isEcommerceEvent('order completed')).toBe(false);
    expect(isEcommerceEvent('Signed Up')).toBe(false);
  });

  it('leaves other track events alone, and the names are case-sensitive', () => {
    expect(validProperties(track('order completed', { total: 'lots', currency: 'usd' }))).toEqual({
      total: 'lots',
      currency: 'usd',
    });
  });
});

describe('Order Completed', () => {
  it('requires order_id, even without properties', () => {
    expect(problemsOf(track('Order Completed'))).toEqual([
      {
        path: 'properties.order_id',
        code: 'required',
        reason: 'is required for "Order Completed" events: a string or a number',
      },
    ]);
    expect(summary(problemsOf(track('Order Completed', { order_id: '' })))).toEqual([
      ['properties.order_id', 'required'],
    ]);
    expect(summary(problemsOf(track('Order Completed', { order_id: true })))).toEqual([
      ['properties.order_id', 'type'],
    ]);
  });

  it('turns numeric ids into strings without modifying the input', () => {
    const input = track('Order Completed', {
      order_id: 1234,
      products: [{ product_id: 42, sku: 7 }, { product_id: 'p-2' }],
    });
    const before = JSON.stringify(input);
    const properties = validProperties(input);
    expect(properties).toEqual({
      order_id: '1234',
      products: [{ product_id: '42', sku: '7' }, { product_id: 'p-2' }],
    });
    expect(JSON.stringify(input)).toBe(before);
    const products = (properties?.['products'] ?? []) as JsonObject[];
    const original = (input['properties'] as { products: unknown[] }).products;
    expect(products[1]).toBe(original[1]);
  });

  it('keeps the same objects when nothing needs converting', () => {
    const input = orderCompleted();
    expect(validProperties(input)).toBe(input['properties']);
  });

  it('checks money fields as numbers', () => {
    const problems = problemsOf(
      track('Order Completed', {
        order_id: 'o',
        total: '12.5',
        subtotal: null,
        revenue: -3,
        shipping: [],
        tax: {},
        discount: false,
      }),
    );
    expect(problems).toEqual([
      { path: 'properties.total', code: 'type', reason: 'must be a number, got string "12.5"' },
      { path: 'properties.shipping', code: 'type', reason: 'must be a number, got array' },
      { path: 'properties.tax', code: 'type', reason: 'must be a number, got object' },
      { path: 'properties.discount', code: 'type', reason: 'must be a number, got boolean false' },
    ]);
  });

  it('checks currency as an ISO 4217 code', () => {
    const [problem] = problemsOf(track('Order Completed', { order_id: 'o', currency: 'usd' }));
    expect(problem).toEqual({
      path: 'properties.currency',
      code: 'format',
      reason: 'must be a 3-letter upper-case ISO 4217 currency code such as "USD", got string "usd"',
    });
    for (const currency of ['US', 'USDT', 'U$D', '']) {
      expect(summary(problemsOf(track('Order Completed', { order_id: 'o', currency })))).toEqual([
        ['properties.currency', 'format'],
      ]);
    }
    expect(summary(problemsOf(track('Order Completed', { order_id: 'o', currency: 840 })))).toEqual([
      ['properties.currency', 'type'],
    ]);
    expect(validProperties(track('Order Completed', { order_id: 'o', currency: 'EUR' }))?.['currency']).toBe(
      'EUR',
    );
  });

  it('still checks the fields when properties hold something JSON cannot carry', () => {
    const properties = { order_id: 'o', total: '1', meta: { when: new Date(0) } };
    expect(summary(problemsOf(track('Order Completed', properties)))).toEqual([
      ['properties.meta.when', 'type'],
      ['properties.total', 'type'],
    ]);
  });

  it('checks order-level strings', () => {
    expect(
      summary(
        problemsOf(track('Order Completed', { order_id: 'o', checkout_id: 1, affiliation: {}, coupon: 2 })),
      ),
    ).toEqual([
      ['properties.checkout_id', 'type'],
      ['properties.affiliation', 'type'],
      ['properties.coupon', 'type'],
    ]);
  });

  it('checks products: an array of at most 1000 objects', () => {
    expect(summary(problemsOf(track('Order Completed', { order_id: 'o', products: {} })))).toEqual([
      ['properties.products', 'type'],
    ]);
    const many = Array.from({ length: 1001 }, () => ({ quantity: 0 }));
    expect(problemsOf(track('Order Completed', { order_id: 'o', products: many }))).toEqual([
      { path: 'properties.products', code: 'too_large', reason: 'must hold at most 1000 products, got 1001' },
    ]);
    const thousand = Array.from({ length: 1000 }, (_, i) => ({ product_id: String(i), quantity: 1 }));
    expect(validProperties(track('Order Completed', { order_id: 'o', products: thousand }))).toBeDefined();
    expect(
      summary(problemsOf(track('Order Completed', { order_id: 'o', products: [{}, 'sku-1', null, [1]] }))),
    ).toEqual([
      ['properties.products[1]', 'type'],
      ['properties.products[2]', 'type'],
      ['properties.products[3]', 'type'],
    ]);
  });

  it('checks each product and reports every problem with its path', () => {
    const problems = problemsOf(
      track('Order Completed', {
        order_id: 'o',
        products: [
          { product_id: 'a', quantity: 1, price: 0 },
          { product_id: 'b', quantity: 0 },
          { product_id: ['c'], quantity: 1.5, price: -0.01, name: 3, category: null, brand: true },
          {
            sku: 's',
            quantity: '2',
            price: '9.99',
            position: 'top',
            url: 1,
            image_url: 2,
            variant: 3,
            coupon: 4,
          },
        ],
      }),
    );
    expect(summary(problems)).toEqual([
      ['properties.products[1].quantity', 'out_of_range'],
      ['properties.products[2].product_id', 'type'],
      ['properties.products[2].quantity', 'out_of_range'],
      ['properties.products[2].price', 'out_of_range'],
      ['properties.products[2].name', 'type'],
      ['properties.products[2].brand', 'type'],
      ['properties.products[3].quantity', 'type'],
      ['properties.products[3].price', 'type'],
      ['properties.products[3].position', 'type'],
      ['properties.products[3].url', 'type'],
      ['properties.products[3].image_url', 'type'],
      ['properties.products[3].variant', 'type'],
      ['properties.products[3].coupon', 'type'],
    ]);
    expect(problems[0]?.reason).toBe('must be a whole number greater than 0, got 0');
    expect(problems[3]?.reason).toBe('must be 0 or more, got -0.01');
    expect(problems[7]?.reason).toBe('must be a number, got string "9.99"');
  });

  it('keeps the "__proto__" key of a product as data', () => {
    const input = JSON.parse(
      '{"type":"track","userId":"u","event":"Order Completed","properties":' +
        '{"order_id":1,"products":[{"product_id":2,"__proto__":{"polluted":1}}]}}',
    );
    const properties = validProperties(input);
    const [product] = (properties?.['products'] ?? []) as JsonObject[];
    expect(JSON.stringify(properties)).toBe(
      '{"order_id":"1","products":[{"product_id":"2","__proto__":{"polluted":1}}]}',
    );
    expect(Object.getPrototypeOf(product)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});

describe('Order Refunded', () => {
  it('requires order_id and refuses a zero quantity, but allows negative ones', () => {
    expect(summary(problemsOf(track('Order Refunded', { products: [{ quantity: 0 }] })))).toEqual([
      ['properties.order_id', 'required'],
      ['properties.products[0].quantity', 'out_of_range'],
    ]);
    expect(
      validProperties(track('Order Refunded', { order_id: 9, total: -30, products: [{ quantity: -1 }] })),
    ).toEqual({ order_id: '9', total: -30, products: [{ quantity: -1 }] });
  });
});

describe('single-product events', () => {
  it('checks Product Added properties as a product', () => {
    expect(
      validProperties(track('Product Added', { cart_id: 'c', product_id: 507, price: 18.99, quantity: 1 })),
    ).toEqual({ cart_id: 'c', product_id: '507', price: 18.99, quantity: 1 });
    expect(summary(problemsOf(track('Product Added', { quantity: 1.5, price: -1, cart_id: 3 })))).toEqual([
      ['properties.quantity', 'out_of_range'],
      ['properties.price', 'out_of_range'],
      ['properties.cart_id', 'type'],
    ]);
  });

  it('allows any finite quantity for Product Viewed and Removed', () => {
    expect(
      validProperties(track('Product Viewed', { quantity: 0, currency: 'USD', value: 3 })),
    ).toBeDefined();
    expect(validProperties(track('Product Removed', { quantity: 2.5 }))).toBeDefined();
    expect(summary(problemsOf(track('Product Viewed', { quantity: 'one', value: '3' })))).toEqual([
      ['properties.quantity', 'type'],
      ['properties.value', 'type'],
    ]);
  });

  it('does not require order_id or look at products', () => {
    expect(validProperties(track('Product Viewed', { products: 'n/a' }))).toEqual({ products: 'n/a' });
  });
});

describe('Cart Viewed and Checkout Started', () => {
  it('check products and optional ids', () => {
    expect(validProperties(track('Cart Viewed', { cart_id: 'c', products: [{ product_id: 1 }] }))).toEqual({
      cart_id: 'c',
      products: [{ product_id: '1' }],
    });
    expect(validProperties(track('Checkout Started', { order_id: 5, value: 10, products: [] }))).toEqual({
      order_id: '5',
      value: 10,
      products: [],
    });
    expect(summary(problemsOf(track('Cart Viewed', { cart_id: 1, products: [{ price: 'x' }] })))).toEqual([
      ['properties.cart_id', 'type'],
      ['properties.products[0].price', 'type'],
    ]);
  });
});

describe('productsOf', () => {
  function stored(input: Record<string, unknown>): StoredEvent {
    const result = validateEvent(input, { receivedAt: RECEIVED_AT });
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    return toStoredEvent(result.value as SegmentEvent, { receivedAt: RECEIVED_AT, sourceId: 's' });
  }

  it('returns products[] of order and cart events', () => {
    const products = productsOf(stored(orderCompleted()));
    expect(products).toHaveLength(5);
    expect(products[0]).toMatchObject({ product_id: '507f1f77bcf86cd799439011', price: 20, quantity: 1 });
    expect(productsOf(stored(track('Cart Viewed', { products: [{ product_id: 'a' }] })))).toEqual([
      { product_id: 'a' },
    ]);
  });

  it('returns the properties themselves for single-product events', () => {
    expect(productsOf(stored(track('Product Viewed', { product_id: 'p', price: 3 })))).toEqual([
      { product_id: 'p', price: 3 },
    ]);
  });

  it('returns [] for anything else', () => {
    expect(productsOf(stored(track('Signed Up', { products: [{ product_id: 'a' }] })))).toEqual([]);
    expect(productsOf(stored(track('Cart Viewed')))).toEqual([]);
    expect(productsOf(stored({ type: 'identify', userId: 'u' }))).toEqual([]);
    const page = stored({ type: 'page', userId: 'u', event: 'Order Completed' });
    expect(productsOf(page)).toEqual([]);
  });

  it('skips entries that are not objects', () => {
    const event = stored(track('Signed Up'));
    const odd: StoredEvent = {
      ...event,
      event: 'Cart Viewed',
      properties: { products: [{ sku: 'a' }, 'b', null] },
    };
    expect(productsOf(odd)).toEqual([{ sku: 'a' }]);
  });
});
