import { type CustomerProfile, windowTotals } from '../profiles.js';
import { recencyDaysAt } from '../rfm/rfm-score.js';
import { DAY_MS } from '../time.js';

/**
 * What the churn classifier sees of a customer at an instant (only history up to then). Counts and
 * amounts enter as log(1 + x): they are heavy-tailed, and the odds of buying again grow with the
 * order of magnitude of past activity, not linearly with it.
 */
export const CHURN_FEATURES = [
  'log_recency_days',
  'log_tenure_days',
  'log_orders',
  'log_net_spend',
  'log_avg_order_value',
  'log_spend_last_30d',
  'log_spend_last_90d',
  'log_spend_90_180d',
  'log_spend_180_365d',
  'log_orders_last_90d',
  'log_orders_90_180d',
  'refund_rate',
  'log_distinct_products',
] as const;

/**
 * What the value regression sees: net spend (pounds, not below 0) in the last 90 days, 90-180 and
 * 180-365 days ago. Next quarter's spend is close to linear in past spend, so these stay in pounds;
 * the earlier windows catch customers who buy every few months, whom "last period" misses.
 */
export const VALUE_FEATURES = ['spend_last_90d', 'spend_90_180d', 'spend_180_365d'] as const;

const lp = (x: number): number => Math.log1p(Math.max(0, x));

export interface PredictionInputs {
  churn: number[];
  value: number[];
  /** The naive forecasts' inputs: last period's net spend (not below 0) and days since the last order. */
  lastPeriodSpend: number;
  recencyDays: number;
}

/** null for a customer who has not ordered yet (nothing to predict from). */
export function predictionInputs(
  profile: CustomerProfile,
  nowMs: number,
  horizonDays = 90,
): PredictionInputs | null {
  if (profile.orders === 0 || profile.lastOrderMs === null || profile.firstOrderMs === null) return null;
  const spent = profile.spentPennies / 100;
  const w30 = windowTotals(profile, nowMs, 30);
  const w90 = windowTotals(profile, nowMs, 90);
  const w180 = windowTotals(profile, nowMs, 180);
  const w365 = windowTotals(profile, nowMs, 365);
  const recencyDays = recencyDaysAt(profile.lastOrderMs, nowMs);
  const last90 = w90.pennies / 100;
  const from90to180 = (w180.pennies - w90.pennies) / 100;
  const from180to365 = (w365.pennies - w180.pennies) / 100;
  return {
    churn: [
      lp(recencyDays),
      lp((nowMs - profile.firstOrderMs) / DAY_MS),
      lp(profile.orders),
      lp(spent - profile.refundedPennies / 100),
      lp(spent / profile.orders),
      lp(w30.pennies / 100),
      lp(last90),
      lp(from90to180),
      lp(from180to365),
      lp(w90.orders),
      lp(w180.orders - w90.orders),
      spent > 0 ? Math.min(1, profile.refundedPennies / 100 / spent) : 0,
      lp(profile.products.size),
    ],
    value: [Math.max(0, last90), Math.max(0, from90to180), Math.max(0, from180to365)],
    lastPeriodSpend: Math.max(0, windowTotals(profile, nowMs, horizonDays).pennies / 100),
    recencyDays,
  };
}
