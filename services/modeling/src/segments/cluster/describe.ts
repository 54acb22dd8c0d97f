import type { ClusterFeatureName } from '../customer-features.js';

const money = (x: number): string => `£${Math.round(x).toLocaleString('en-GB')}`;
const count = (x: number): string => (x < 10 ? x.toFixed(1) : Math.round(x).toLocaleString('en-GB'));

/** Words for a feature well above (high) or below (low) the average customer, with the typical value. */
const PHRASES: Record<ClusterFeatureName, { high: (x: number) => string; low: (x: number) => string }> = {
  recency_days: {
    high: (x) => `lapsed (last order ~${Math.round(x)} days ago)`,
    low: (x) => `recent (last order ~${Math.round(x)} days ago)`,
  },
  orders: {
    high: (x) => `frequent (${count(x)} orders)`,
    low: (x) => `few orders (${count(x)})`,
  },
  net_spend: {
    high: (x) => `high spend (${money(x)})`,
    low: (x) => `low spend (${money(x)})`,
  },
  basket_value: {
    high: (x) => `large baskets (${money(x)} per order)`,
    low: (x) => `small baskets (${money(x)} per order)`,
  },
  basket_units: {
    high: (x) => `bulk quantities (${count(x)} units per order)`,
    low: (x) => `few units per order (${count(x)})`,
  },
  distinct_products: {
    high: (x) => `broad product mix (${count(x)} products)`,
    low: (x) => `narrow product mix (${count(x)} products)`,
  },
  refund_rate: {
    high: (x) => `refunds often (${Math.round(x * 100)} % of spend)`,
    low: () => 'rarely refunds',
  },
  orders_per_month: {
    high: (x) => `buys often for their tenure (${x.toFixed(2)} orders a month)`,
    low: (x) => `buys rarely for their tenure (${x.toFixed(2)} orders a month)`,
  },
};

/**
 * A cluster in words, from its centroid: the features furthest from the average customer (at least
 * half a standard deviation), strongest first, each with the centroid's value in its own unit.
 */
export function describeCentroid(
  names: readonly ClusterFeatureName[],
  standardised: ArrayLike<number>,
  raw: ArrayLike<number>,
  maxTraits = 4,
): string {
  const traits = names
    .map((name, j) => ({ name, z: standardised[j]!, value: raw[j]! }))
    .filter((t) => Math.abs(t.z) >= 0.5)
    .sort((a, b) => Math.abs(b.z) - Math.abs(a.z))
    .slice(0, maxTraits)
    .map((t) => (t.z > 0 ? PHRASES[t.name].high(t.value) : PHRASES[t.name].low(t.value)));
  return traits.length === 0 ? 'close to the average customer on every feature' : traits.join(', ');
}
