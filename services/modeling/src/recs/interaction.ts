import type { JsonValue, StoredEvent } from '@pulse/events';
import { RecsRequestError } from './errors.js';

/** What a person did with an item, strongest last. */
export type InteractionKind = 'view' | 'cart' | 'purchase';

export const INTERACTION_KINDS: readonly InteractionKind[] = ['view', 'cart', 'purchase'];

/**
 * One person's contact with one item: the unit every recommendation model learns from, whatever the
 * source (a stored event, an OTTO session line, a MovieLens rating, an invoice line).
 */
export interface Interaction {
  /** The basket key: a session, a person (split into sessions by time gaps), an invoice. */
  session: string;
  item: string;
  kind: InteractionKind;
  /** Event time, milliseconds since the epoch. Decay and session gaps use it, never the wall clock. */
  ts: number;
  /** The item's name or description when the event carries it: feeds the content model. */
  text?: string;
}

const KIND_OF_EVENT: Readonly<Record<string, InteractionKind>> = {
  'Product Viewed': 'view',
  'Product Clicked': 'view',
  'Product Added': 'cart',
  'Product Added to Wishlist': 'cart',
  'Order Completed': 'purchase',
};

/**
 * The interactions a stored event stands for: one for a product event, one per product of an order.
 * An event that says nothing about items (identify, page, Order Refunded, a product without an id)
 * gives none: that is its meaning for recommendations, not a loss, and the caller may count it.
 */
export function interactionsFromStoredEvent(event: StoredEvent): Interaction[] {
  if (event.type !== 'track') return [];
  return interactionsFromTrack(event.event, event.properties, event.user_key, Date.parse(event.timestamp));
}

/**
 * The same for a track call given by its parts (a Segment call before it is stored, a replayed
 * data set): `session` is the person's key (userId, else anonymousId).
 */
export function interactionsFromTrack(
  eventName: string,
  properties: Readonly<Record<string, JsonValue>>,
  session: string,
  ts: number,
): Interaction[] {
  const kind = KIND_OF_EVENT[eventName];
  if (!kind || !Number.isFinite(ts) || session === '') return [];
  if (kind !== 'purchase') {
    const one = productInteraction(properties, session, kind, ts);
    return one ? [one] : [];
  }
  const products = properties['products'];
  if (!Array.isArray(products)) return [];
  const out: Interaction[] = [];
  for (const product of products) {
    if (!isObject(product)) continue;
    const one = productInteraction(product, session, kind, ts);
    if (one) out.push(one);
  }
  return out;
}

function productInteraction(
  product: Readonly<Record<string, JsonValue>>,
  session: string,
  kind: InteractionKind,
  ts: number,
): Interaction | undefined {
  const id = product['product_id'] ?? product['sku'];
  const item = typeof id === 'string' ? id : typeof id === 'number' ? String(id) : '';
  if (item === '') return undefined;
  const name = product['name'];
  return typeof name === 'string' && name !== ''
    ? { session, item, kind, ts, text: name }
    : { session, item, kind, ts };
}

function isObject(value: JsonValue): value is { [key: string]: JsonValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Throws RecsRequestError for an interaction no model can learn from (no item, an unknown kind, a
 * time that is not a number): learning it would poison every counter it touches with NaN.
 */
export function checkInteraction(x: Interaction): void {
  if (typeof x.item !== 'string' || x.item === '' || typeof x.session !== 'string') {
    throw new RecsRequestError(`interaction needs a session and an item, got ${JSON.stringify(x)}`);
  }
  if (x.kind !== 'view' && x.kind !== 'cart' && x.kind !== 'purchase') {
    throw new RecsRequestError(
      `interaction kind must be view, cart or purchase, got ${JSON.stringify(x.kind)}`,
    );
  }
  if (!Number.isFinite(x.ts))
    throw new RecsRequestError(`interaction time must be a number of ms, got ${x.ts}`);
}
