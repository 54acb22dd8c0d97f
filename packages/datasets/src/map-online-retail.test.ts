import { describe, expect, it } from 'vitest';
import { mapOnlineRetail, type RetailItem } from './map-online-retail.js';
import { parseRetailRecord, type RetailLine } from './retail-line.js';

/** Builds lines from compact CSV-like rows; line numbers follow the order given. */
function lines(rows: string[]): RetailLine[] {
  return rows.map((text, index) => parseRetailRecord(text.split('|'), index + 1));
}

async function map(rows: string[]): Promise<RetailItem[]> {
  async function* source(): AsyncGenerator<RetailLine> {
    yield* lines(rows);
  }
  const items: RetailItem[] = [];
  for await (const item of mapOnlineRetail(source())) items.push(item);
  return items;
}

describe('mapOnlineRetail', () => {
  it('sends an identify before the first order, then the order with charges folded in', async () => {
    const items = await map([
      '536365|85123A|WHITE HANGING HEART|6|2010-12-01 08:26:00|2.55|17850|United Kingdom',
      '536365|71053||6|2010-12-01 08:26:00|3.39|17850|United Kingdom',
      '536365|POST|POSTAGE|2|2010-12-01 08:27:00|18|17850|United Kingdom',
      '536365|M|Manual|1|2010-12-01 08:27:00|0.5|17850|United Kingdom',
      '536365|BANK CHARGES|Bank Charges|1|2010-12-01 08:27:00|15|17850|United Kingdom',
    ]);
    expect(items).toEqual([
      {
        kind: 'call',
        lines: [],
        call: {
          type: 'identify',
          userId: '17850',
          traits: { country: 'United Kingdom' },
          timestamp: new Date('2010-12-01T08:26:00Z'),
          messageId: 'retail-identify-17850',
        },
      },
      {
        kind: 'call',
        lines: [1, 2, 3, 4, 5],
        call: {
          type: 'track',
          userId: '17850',
          event: 'Order Completed',
          timestamp: new Date('2010-12-01T08:26:00Z'),
          messageId: 'retail-order-536365',
          properties: {
            order_id: '536365',
            products: [
              { product_id: '85123A', sku: '85123A', name: 'WHITE HANGING HEART', price: 2.55, quantity: 6 },
              { product_id: '71053', sku: '71053', price: 3.39, quantity: 6 },
            ],
            // 6 * 2.55 + 6 * 3.39 is 35.63999... in floating point.
            revenue: 35.64,
            shipping: 36,
            fees: 15,
            adjustments: 0.5,
            total: 87.14,
            currency: 'GBP',
          },
        },
      },
    ]);
  });

  it('sends a C invoice as Order Refunded with positive quantities and total', async () => {
    const items = await map([
      'C536379|22556|PLASTERS IN TIN|-12|2011-07-01 10:00:00|1.65|14527|United Kingdom',
      'C536379|D|Discount|-1|2011-07-01 10:00:00|27.5|14527|United Kingdom',
      'C536379|POST|POSTAGE|-1|2011-07-01 10:00:00|18|14527|United Kingdom',
    ]);
    const refund = items[1];
    expect(refund?.kind === 'call' && refund.call).toEqual({
      type: 'track',
      userId: '14527',
      event: 'Order Refunded',
      timestamp: new Date('2011-07-01T09:00:00Z'),
      messageId: 'retail-refund-C536379',
      properties: {
        order_id: 'C536379',
        products: [{ product_id: '22556', sku: '22556', name: 'PLASTERS IN TIN', price: 1.65, quantity: 12 }],
        shipping: 18,
        discount: 27.5,
        total: 65.3,
        currency: 'GBP',
      },
    });
  });

  it('sends guest orders with an anonymousId and no identify, and keeps dirt for the collector', async () => {
    const items = await map([
      '536414|22139||56|2010-12-01 11:52:00|0||United Kingdom',
      '536589|21777|damaged|-10|2010-12-01 16:50:00|0||United Kingdom',
      'A563186|B|Adjust bad debt|1|2011-08-12 14:51:00|-11062.06||United Kingdom',
    ]);
    expect(items.map((item) => item.kind === 'call' && item.call)).toMatchObject([
      { anonymousId: 'guest-536414', event: 'Order Completed' },
      {
        anonymousId: 'guest-536589',
        event: 'Order Completed',
        properties: {
          products: [{ product_id: '21777', name: 'damaged', price: 0, quantity: -10 }],
          revenue: 0,
        },
      },
      {
        anonymousId: 'guest-A563186',
        event: 'Order Completed',
        properties: { products: [], revenue: 0, adjustments: -11062.06, total: -11062.06 },
      },
    ]);
    expect(items.every((item) => item.kind === 'call' && item.call.userId === undefined)).toBe(true);
  });

  it('merges an invoice whose lines are interrupted, and sorts calls by time', async () => {
    const items = await map([
      '542806|48194|DOORMAT HEARTS|1|2011-02-01 11:19:00|7.95|12836|United Kingdom',
      'C542805|22156|HEART DECORATION|-1|2011-02-01 11:19:00|0.85|14606|United Kingdom',
      '542806|22692|DOORMAT WELCOME|2|2011-02-01 11:20:00|7.95|12836|United Kingdom',
      '542700|22692|DOORMAT WELCOME|2|2011-02-01 11:00:00|7.95|14606|United Kingdom',
    ]);
    expect(items.map((item) => item.kind === 'call' && [item.call.messageId, item.lines])).toEqual([
      ['retail-identify-14606', []],
      ['retail-order-542700', [4]],
      ['retail-identify-12836', []],
      ['retail-order-542806', [1, 3]],
      ['retail-refund-C542805', [2]],
    ]);
  });

  it('accounts for unreadable rows and customer clashes as not_sent, first', async () => {
    const items = await map([
      '536365|85123A|HEART|6|2010-12-01 08:26:00|2.55|17850|United Kingdom',
      '536365|71053|LANTERN|six|2010-12-01 08:26:00|3.39|17850|United Kingdom',
      '536365|71054|LANTERN|6|2010-12-01 08:26:00|3.39|99999|United Kingdom',
    ]);
    expect(items.slice(0, 2)).toEqual([
      { kind: 'not_sent', reason: 'invalid_quantity', lines: [2] },
      { kind: 'not_sent', reason: 'invoice_customer_mismatch', lines: [3] },
    ]);
    expect(items.slice(2).map((item) => item.lines)).toEqual([[], [1]]);
  });

  it('keeps exact duplicate rows as separate products', async () => {
    const row = '536409|90199C|BROOCH|1|2010-12-01 11:45:00|2.95|17908|United Kingdom';
    const items = await map([row, row]);
    const order = items[1];
    expect(
      order?.kind === 'call' && order.call.type === 'track' && order.call.properties['products'],
    ).toHaveLength(2);
    expect(order?.lines).toEqual([1, 2]);
  });
});
