import { isPlainObject } from './json-tree.js';
import type { StoredEvent } from './stored-event.js';

/** Segment's e-commerce spec events Pulse models (https://segment.com/docs/connections/spec/ecommerce/v2/). */
export const ECOMMERCE_EVENTS = Object.freeze([
  'Product Viewed',
  'Product Added',
  'Product Removed',
  'Cart Viewed',
  'Checkout Started',
  'Order Completed',
  'Order Refunded',
] as const);

export type EcommerceEventName = (typeof ECOMMERCE_EVENTS)[number];

const ECOMMERCE_EVENT_SET: ReadonlySet<string> = new Set(ECOMMERCE_EVENTS);

export function isEcommerceEvent(name: string): name is EcommerceEventName {
  return ECOMMERCE_EVENT_SET.has(name);
}

/** Events whose properties hold a products[] list; the others' properties are one product. */
const LIST_EVENTS: ReadonlySet<string> = new Set<EcommerceEventName>([
  'Cart Viewed',
  'Checkout Started',
  'Order Completed',
  'Order Refunded',
]);

export function hasProductList(name: EcommerceEventName): boolean {
  return LIST_EVENTS.has(name);
}

export interface Product {
  product_id?: string;
  sku?: string;
  name?: string;
  category?: string;
  brand?: string;
  variant?: string;
  price?: number;
  quantity?: number;
  coupon?: string;
  position?: number;
  url?: string;
  image_url?: string;
}

export type ProductViewedProperties = Product & { currency?: string; value?: number };
export type ProductAddedProperties = Product & { cart_id?: string };
export type ProductRemovedProperties = Product & { cart_id?: string };

export interface CartViewedProperties {
  cart_id?: string;
  products?: Product[];
}

export interface CheckoutStartedProperties {
  order_id?: string;
  affiliation?: string;
  value?: number;
  revenue?: number;
  shipping?: number;
  tax?: number;
  discount?: number;
  coupon?: string;
  currency?: string;
  products?: Product[];
}

export interface OrderCompletedProperties {
  order_id: string;
  checkout_id?: string;
  affiliation?: string;
  total?: number;
  subtotal?: number;
  revenue?: number;
  shipping?: number;
  tax?: number;
  discount?: number;
  coupon?: string;
  currency?: string;
  products?: Product[];
}

export interface OrderRefundedProperties {
  order_id: string;
  total?: number;
  currency?: string;
  products?: Product[];
}

/** Properties type of each e-commerce event, for code that switches on the event name. */
export interface EcommercePropertiesByEvent {
  'Product Viewed': ProductViewedProperties;
  'Product Added': ProductAddedProperties;
  'Product Removed': ProductRemovedProperties;
  'Cart Viewed': CartViewedProperties;
  'Checkout Started': CheckoutStartedProperties;
  'Order Completed': OrderCompletedProperties;
  'Order Refunded': OrderRefundedProperties;
}

/**
 * The products an e-commerce track event is about: products[] of cart, checkout and order events, the
 * properties themselves for Product Viewed/Added/Removed, [] for anything else. Trusts the collector's
 * validation (stored events were checked when they came in); non-object entries are skipped.
 */
export function productsOf(event: StoredEvent): Product[] {
  if (event.type !== 'track' || !isEcommerceEvent(event.event)) return [];
  const properties = event.properties;
  if (!hasProductList(event.event)) return [properties as Product];
  const products = properties['products'];
  if (!Array.isArray(products)) return [];
  const result: Product[] = [];
  for (const product of products) {
    if (isPlainObject(product)) result.push(product as Product);
  }
  return result;
}
