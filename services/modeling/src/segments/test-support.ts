import type { ActivityKind, CustomerActivity } from './activity.js';
import { DAY_MS } from './time.js';

/** For unit tests: a fixed epoch and activities built by hand. */
export const T0 = Date.UTC(2024, 0, 1);
export const day = (n: number): number => T0 + n * DAY_MS;

let sequence = 0;

export function activity(
  userKey: string,
  kind: ActivityKind,
  timeMs: number,
  extra: Partial<CustomerActivity> = {},
): CustomerActivity {
  const event =
    kind === 'order'
      ? 'Order Completed'
      : kind === 'refund'
        ? 'Order Refunded'
        : kind === 'view'
          ? 'Product Viewed'
          : kind === 'cart'
            ? 'Product Added'
            : 'Signed Up';
  sequence += 1;
  return {
    userKey,
    identified: true,
    messageId: `m-${sequence}`,
    event,
    timeMs,
    kind,
    amountPennies: 0,
    units: 1,
    productIds: [],
    properties: {},
    ...extra,
  };
}

/** An order of `pounds` with `units` units of the given products. */
export function order(
  userKey: string,
  timeMs: number,
  pounds: number,
  products: string[] = ['p1'],
  units = 1,
) {
  return activity(userKey, 'order', timeMs, {
    amountPennies: Math.round(pounds * 100),
    units,
    productIds: products,
    properties: { total: pounds, order_id: `o-${sequence + 1}` },
  });
}

export function refund(userKey: string, timeMs: number, pounds: number) {
  return activity(userKey, 'refund', timeMs, {
    amountPennies: Math.round(pounds * 100),
    properties: { total: pounds },
  });
}

export function view(userKey: string, timeMs: number, productId = 'p1', identified = true) {
  return activity(userKey, 'view', timeMs, {
    identified,
    productIds: [productId],
    properties: { product_id: productId },
  });
}
