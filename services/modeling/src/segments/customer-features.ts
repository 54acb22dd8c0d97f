import type { CustomerProfile } from './profiles.js';
import { recencyDaysAt } from './rfm/rfm-score.js';
import { DAY_MS } from './time.js';

/**
 * The behavioural features clusters are built on. Money, counts and sizes are heavy-tailed (a few
 * wholesalers buy a thousand times more than most), so they are clustered as log(1 + x): otherwise one
 * customer would be a cluster and everyone else another.
 */
export const CLUSTER_FEATURES = [
  { name: 'recency_days', log: true },
  { name: 'orders', log: true },
  { name: 'net_spend', log: true },
  { name: 'basket_value', log: true },
  { name: 'basket_units', log: true },
  { name: 'distinct_products', log: true },
  { name: 'refund_rate', log: false },
  { name: 'orders_per_month', log: true },
] as const;

export type ClusterFeatureName = (typeof CLUSTER_FEATURES)[number]['name'];

/** The features in their own units (days, orders, pounds, ...); null for a customer without orders. */
export function rawClusterFeatures(profile: CustomerProfile, nowMs: number): Float64Array | null {
  if (profile.orders === 0 || profile.lastOrderMs === null || profile.firstOrderMs === null) return null;
  const spent = profile.spentPennies / 100;
  const net = Math.max(0, spent - profile.refundedPennies / 100);
  const tenureMonths = Math.max(1, (nowMs - profile.firstOrderMs) / (30 * DAY_MS));
  return Float64Array.of(
    recencyDaysAt(profile.lastOrderMs, nowMs),
    profile.orders,
    net,
    Math.max(0, spent / profile.orders),
    profile.units / profile.orders,
    profile.products.size,
    spent > 0 ? Math.min(1, profile.refundedPennies / 100 / spent) : 0,
    profile.orders / tenureMonths,
  );
}

/** Raw → the space clusters are fitted in (before standardisation). */
export function transformFeatures(raw: Float64Array): Float64Array {
  const out = new Float64Array(raw.length);
  for (let j = 0; j < raw.length; j += 1) {
    out[j] = CLUSTER_FEATURES[j]!.log ? Math.log1p(Math.max(0, raw[j]!)) : raw[j]!;
  }
  return out;
}

/** The inverse of transformFeatures: a centroid back in days, orders and pounds. */
export function untransformFeatures(values: ArrayLike<number>): Float64Array {
  const out = new Float64Array(values.length);
  for (let j = 0; j < values.length; j += 1) {
    out[j] = CLUSTER_FEATURES[j]!.log ? Math.expm1(values[j]!) : values[j]!;
  }
  return out;
}
