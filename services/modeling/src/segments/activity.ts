import type { JsonObject, StoredEvent } from '@pulse/events';

/** What an event means to segmentation. */
export type ActivityKind = 'order' | 'refund' | 'view' | 'cart' | 'other';

/**
 * One event of one person, reduced to what segments, RFM, clusters and predictions read. Built from a
 * stored event by the streaming worker and from Segment calls by the offline evaluation, so both run
 * the same code after this point.
 */
export interface CustomerActivity {
  userKey: string;
  /** Has a user_id: RFM, clusters and predictions are about customers, not anonymous visitors. */
  identified: boolean;
  messageId: string;
  /** The track event name. */
  event: string;
  timeMs: number;
  kind: ActivityKind;
  /** Order total / amount refunded, in pennies (integers: sums stay exact in any order). 0 otherwise. */
  amountPennies: number;
  /** Units ordered or refunded. */
  units: number;
  /** Product ids of the event, in order. */
  productIds: readonly string[];
  /** The event's properties, for rules that filter or sum on them. */
  properties: JsonObject;
}

export type ActivityResult =
  | { kind: 'activity'; activity: CustomerActivity }
  /** Not something segments read (identify, page, ...): counted by the caller, not an error. */
  | { kind: 'skip'; reason: 'not_a_track_event' }
  /** A track event segments cannot read; the caller dead-letters it with the reason. */
  | { kind: 'invalid'; reason: string };

export interface TrackInput {
  userId: string;
  anonymousId: string;
  messageId: string;
  event: string;
  timeMs: number;
  properties: JsonObject;
}

const KIND_BY_EVENT: Readonly<Record<string, ActivityKind>> = {
  'Order Completed': 'order',
  'Order Refunded': 'refund',
  'Product Viewed': 'view',
  'Product Added': 'cart',
};

export function activityFromStoredEvent(event: StoredEvent): ActivityResult {
  if (event.type !== 'track') return { kind: 'skip', reason: 'not_a_track_event' };
  return activityFromTrack({
    userId: event.user_id,
    anonymousId: event.anonymous_id,
    messageId: event.message_id,
    event: event.event,
    timeMs: Date.parse(event.timestamp),
    properties: event.properties,
  });
}

export function activityFromTrack(input: TrackInput): ActivityResult {
  const userKey = input.userId || input.anonymousId;
  if (userKey === '') return { kind: 'invalid', reason: 'no user_id or anonymous_id' };
  if (!Number.isFinite(input.timeMs)) return { kind: 'invalid', reason: 'timestamp is not a date' };
  const kind = KIND_BY_EVENT[input.event] ?? 'other';
  const products = productList(input.properties, kind);
  let amountPennies = 0;
  let units = 0;
  const productIds: string[] = [];
  for (const product of products) {
    const id = product['product_id'] ?? product['sku'];
    if (typeof id === 'string' && id !== '') productIds.push(id);
    const quantity = product['quantity'];
    units += typeof quantity === 'number' && Number.isFinite(quantity) && quantity > 0 ? quantity : 1;
  }
  if (kind === 'order' || kind === 'refund') {
    const amount = orderAmount(input.properties);
    if (amount === null) return { kind: 'invalid', reason: `${input.event} has no numeric total or revenue` };
    amountPennies = Math.round(amount * 100);
  }
  return {
    kind: 'activity',
    activity: {
      userKey,
      identified: input.userId !== '',
      messageId: input.messageId,
      event: input.event,
      timeMs: input.timeMs,
      kind,
      amountPennies,
      units,
      productIds,
      properties: input.properties,
    },
  };
}

function productList(properties: JsonObject, kind: ActivityKind): JsonObject[] {
  if (kind === 'view' || kind === 'cart') return [properties];
  const products = properties['products'];
  if (!Array.isArray(products)) return [];
  return products.filter((p): p is JsonObject => typeof p === 'object' && p !== null && !Array.isArray(p));
}

/** What the customer paid (or got back): Segment's `total`, else `revenue`, else the products' sum. */
function orderAmount(properties: JsonObject): number | null {
  for (const name of ['total', 'revenue'] as const) {
    const value = properties[name];
    if (typeof value === 'number' && Number.isFinite(value)) return value;
  }
  if (!Array.isArray(properties['products'])) return null;
  let sum = 0;
  for (const product of productList(properties, 'order')) {
    const price = product['price'];
    const quantity = product['quantity'];
    if (typeof price === 'number' && Number.isFinite(price)) {
      sum += price * (typeof quantity === 'number' && Number.isFinite(quantity) ? quantity : 1);
    }
  }
  return sum;
}
