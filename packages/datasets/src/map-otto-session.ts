import type { OttoSession } from './otto.js';
import type { SegmentTrackCall } from './segment-call.js';

/**
 * One OTTO session as anonymous Segment calls, in the session's event order. A click is a product
 * view, a cart an add-to-cart of one unit; the orders sharing a timestamp are one checkout, sent as a
 * single Order Completed where the first of them stands (OTTO has no prices or quantities: one unit
 * each, so the collector's positive-quantity rule holds). messageIds come from the session and the
 * event's position, so a replay run twice sends the same ids.
 */
export function mapOttoSession(s: OttoSession): SegmentTrackCall[] {
  const anonymousId = `otto-${s.session}`;
  const ordersByTs = new Map<number, string[]>();
  for (const event of s.events) {
    if (event.type !== 'orders') continue;
    const aids = ordersByTs.get(event.ts) ?? [];
    aids.push(String(event.aid));
    ordersByTs.set(event.ts, aids);
  }

  const calls: SegmentTrackCall[] = [];
  s.events.forEach((event, index) => {
    const base = { anonymousId, type: 'track' as const, timestamp: new Date(event.ts) };
    const productId = String(event.aid);
    if (event.type === 'clicks') {
      calls.push({
        ...base,
        event: 'Product Viewed',
        properties: { product_id: productId },
        messageId: `${anonymousId}-${index}`,
      });
    } else if (event.type === 'carts') {
      calls.push({
        ...base,
        event: 'Product Added',
        properties: { product_id: productId, quantity: 1 },
        messageId: `${anonymousId}-${index}`,
      });
    } else {
      const aids = ordersByTs.get(event.ts);
      if (!aids) return; // this checkout was already sent at its first order event
      ordersByTs.delete(event.ts);
      const orderId = `${anonymousId}-${event.ts}`;
      calls.push({
        ...base,
        event: 'Order Completed',
        properties: { order_id: orderId, products: aids.map((aid) => ({ product_id: aid, quantity: 1 })) },
        messageId: orderId,
      });
    }
  });
  return calls;
}
