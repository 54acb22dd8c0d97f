import { beforeAll, describe, expect, it } from 'vitest';
import { mapOnlineRetail, type RetailItem } from './map-online-retail.js';
import { readOnlineRetail } from './read-online-retail.js';
import type { RetailLine } from './retail-line.js';
import type { SegmentTrackCall } from './segment-call.js';
import { type RetailSummary, RetailTally } from './summarize-retail.js';

// One pass over the real file (541,909 rows) feeds both the summary and the mapping.
const dataDir = process.env['PULSE_DATA_DIR'];
let summary: RetailSummary;
let items: RetailItem[];
let tracks: Map<string, SegmentTrackCall>;

beforeAll(async () => {
  const tally = new RetailTally();
  async function* tee(): AsyncGenerator<RetailLine> {
    for await (const line of readOnlineRetail({ dataDir })) {
      tally.add(line);
      yield line;
    }
  }
  items = [];
  for await (const item of mapOnlineRetail(tee())) items.push(item);
  summary = tally.summary();
  tracks = new Map();
  for (const item of items) {
    if (item.kind === 'call' && item.call.type === 'track') tracks.set(item.call.messageId, item.call);
  }
}, 120_000);

const productsOf = (call: SegmentTrackCall | undefined): Array<Record<string, unknown>> =>
  (call?.properties['products'] as Array<Record<string, unknown>> | undefined) ?? [];

describe('Online Retail, read from the real file', () => {
  it('matches the facts the data README states', () => {
    expect(summary).toMatchObject({
      rows: 541_909,
      rowsWithProblems: 0,
      rowsWithoutCustomer: 135_080,
      emptyDescriptionRows: 1_454,
      refundRows: 9_288,
      negativeQuantityRows: 10_624,
      invoices: 25_900,
      customers: 4_372,
    });
  });

  it('measures the quirks the README table reports', () => {
    expect(summary).toMatchObject({
      refunds: 3_836,
      guestOrders: 3_528,
      guestRefunds: 182,
      negativeQtyNonRefundRows: 1_336,
      positiveQtyRefundRows: 0,
      zeroQuantityRows: 0,
      negativePriceRows: 2,
      zeroPriceRows: 2_515,
      duplicateRows: 5_270,
      reopenedInvoices: 1,
      multiTimestampInvoices: 43,
      customerMismatchRows: 0,
      customersInSeveralCountries: 8,
      customersFirstSeenRefunding: 178,
      chargeOnlyInvoices: 601,
      chargeOnlyRefunds: 414,
    });
    expect(summary.nonProductLines).toEqual({
      POST: 1_256,
      DOT: 710,
      C2: 144,
      D: 77,
      'BANK CHARGES': 37,
      AMAZONFEE: 34,
      CRUK: 16,
      M: 571,
      m: 1,
      S: 63,
      B: 3,
    });
  });
});

describe('Online Retail, mapped to Segment calls', () => {
  it('accounts for every row exactly once', () => {
    const seen = new Uint8Array(541_910);
    let duplicates = 0;
    let outOfRange = 0;
    for (const item of items) {
      for (const line of item.lines) {
        if (line < 1 || line > 541_909) outOfRange += 1;
        else if (seen[line] === 1) duplicates += 1;
        else seen[line] = 1;
      }
    }
    expect({ duplicates, outOfRange, missing: seen.subarray(1).filter((flag) => flag === 0).length }).toEqual(
      {
        duplicates: 0,
        outOfRange: 0,
        missing: 0,
      },
    );
  });

  it('sends one call per invoice and one identify per customer, nothing else', () => {
    const counts: Record<string, number> = {};
    for (const item of items) {
      const key =
        item.kind === 'not_sent'
          ? `not_sent:${item.reason}`
          : item.call.type === 'track'
            ? item.call.event
            : 'identify';
      counts[key] = (counts[key] ?? 0) + 1;
    }
    expect(counts).toEqual({ identify: 4_372, 'Order Completed': 22_064, 'Order Refunded': 3_836 });
    const guests = [...tracks.values()].filter((call) => call.anonymousId?.startsWith('guest-'));
    expect(guests).toHaveLength(3_528 + 182);
    expect(new Set(items.map((item) => item.kind === 'call' && item.call.messageId)).size).toBe(items.length);
  });

  it('puts every product line in a product and every other line in a charge', () => {
    let orderProducts = 0;
    let refundProducts = 0;
    for (const call of tracks.values()) {
      if (call.event === 'Order Completed') orderProducts += productsOf(call).length;
      else refundProducts += productsOf(call).length;
    }
    const charges = Object.values(summary.nonProductLines).reduce((sum, n) => sum + n, 0);
    expect([orderProducts, refundProducts, charges]).toEqual([530_293, 8_704, 2_912]);
    expect(orderProducts + refundProducts + charges).toBe(541_909);
  });

  it('leaves stock adjustments for the collector to reject: orders with negative quantities', () => {
    const negative = [...tracks.values()].filter(
      (call) =>
        call.event === 'Order Completed' && productsOf(call).some((p) => (p['quantity'] as number) <= 0),
    );
    expect(negative).toHaveLength(1_336);
    expect(negative.every((call) => call.anonymousId?.startsWith('guest-'))).toBe(true);
    const refunded = [...tracks.values()].filter((call) => call.event === 'Order Refunded');
    expect(refunded.every((call) => productsOf(call).every((p) => (p['quantity'] as number) > 0))).toBe(true);
    expect(refunded.every((call) => (call.properties['total'] as number) >= 0)).toBe(true);
  });

  it('comes out in timestamp order with each identify just before its first call', () => {
    let previous = 0;
    let backwards = 0;
    let identifyAfterFirstCall = 0;
    const identified = new Set<string>();
    items.forEach((item, index) => {
      if (item.kind !== 'call') return;
      const time = item.call.timestamp.getTime();
      if (time < previous) backwards += 1;
      previous = time;
      const userId = item.call.userId;
      if (item.call.type === 'identify' && userId) {
        identified.add(userId);
        const next = items[index + 1];
        if (next?.kind !== 'call' || next.call.userId !== userId || next.call.type !== 'track')
          identifyAfterFirstCall += 1;
      } else if (userId && !identified.has(userId)) identifyAfterFirstCall += 1;
    });
    expect({ backwards, identifyAfterFirstCall }).toEqual({ backwards: 0, identifyAfterFirstCall: 0 });
  });

  it('maps the first invoice of the file as expected', () => {
    expect(items[0]).toEqual({
      kind: 'call',
      lines: [],
      call: {
        type: 'identify',
        userId: '17850',
        traits: { country: 'United Kingdom' },
        timestamp: new Date('2010-12-01T08:26:00Z'),
        messageId: 'retail-identify-17850',
      },
    });
    const order = tracks.get('retail-order-536365');
    expect(order?.properties).toMatchObject({
      order_id: '536365',
      revenue: 139.12,
      total: 139.12,
      currency: 'GBP',
    });
    expect(productsOf(order)).toHaveLength(7);
  });

  it('merges invoice 542806, whose lines are interrupted by C542805', () => {
    const order = items.find((item) => item.kind === 'call' && item.call.messageId === 'retail-order-542806');
    expect(order?.lines).toContain(78_090);
    expect(order?.lines).toContain(78_093);
    expect(order?.lines).not.toContain(78_091);
  });

  it('converts UK wall-clock times around both 2011 clock changes', () => {
    const at = (messageId: string): string | undefined => tracks.get(messageId)?.timestamp.toISOString();
    expect(at('retail-order-547833')).toBe('2011-03-25T17:34:00.000Z'); // Friday, GMT
    expect(at('retail-order-547834')).toBe('2011-03-27T09:16:00.000Z'); // Sunday after the change, BST
    expect(at('retail-order-573318')).toBe('2011-10-28T17:11:00.000Z'); // Friday, BST
    expect(at('retail-order-573319')).toBe('2011-10-30T10:18:00.000Z'); // Sunday after the change, GMT
    expect(at('retail-order-581587')).toBe('2011-12-09T12:50:00.000Z'); // the last invoice
  });
});
