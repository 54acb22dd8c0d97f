import type { CustomerActivity } from '../activity.js';
import { CustomerProfiles } from '../profiles.js';
import { DAY_MS } from '../time.js';
import { predictionInputs } from './prediction-features.js';

/** Customers known at a cutoff, their features then, and what they did in the horizon after it. */
export interface SplitDataset {
  cutoffMs: number;
  horizonDays: number;
  keys: string[];
  churnFeatures: number[][];
  valueFeatures: number[][];
  /** Net spend in (cutoff, cutoff + horizon], pounds, not below 0. */
  spend: number[];
  /** 1 when they ordered in (cutoff, cutoff + horizon]. */
  bought: number[];
  /** Net spend in the horizon before the cutoff: the naive value forecast. */
  lastPeriodSpend: number[];
  recencyDays: number[];
}

/**
 * Builds the dataset of one cutoff from time-ordered activities: features from what happened up to
 * the cutoff (through the same incremental profiles the worker keeps), targets from the horizon after
 * it. Nothing after the cutoff reaches the features.
 */
export function datasetAt(
  activities: readonly CustomerActivity[],
  cutoffMs: number,
  horizonDays: number,
): SplitDataset {
  const profiles = new CustomerProfiles();
  const endMs = cutoffMs + horizonDays * DAY_MS;
  const futurePennies = new Map<string, number>();
  const futureOrders = new Map<string, number>();
  for (const activity of activities) {
    if (!activity.identified) continue;
    if (activity.timeMs <= cutoffMs) {
      profiles.apply(activity);
    } else if (activity.timeMs <= endMs) {
      const sign = activity.kind === 'order' ? 1 : activity.kind === 'refund' ? -1 : 0;
      futurePennies.set(
        activity.userKey,
        (futurePennies.get(activity.userKey) ?? 0) + sign * activity.amountPennies,
      );
      if (activity.kind === 'order')
        futureOrders.set(activity.userKey, (futureOrders.get(activity.userKey) ?? 0) + 1);
    }
  }
  const data: SplitDataset = {
    cutoffMs,
    horizonDays,
    keys: [],
    churnFeatures: [],
    valueFeatures: [],
    spend: [],
    bought: [],
    lastPeriodSpend: [],
    recencyDays: [],
  };
  for (const profile of profiles.values()) {
    const inputs = predictionInputs(profile, cutoffMs, horizonDays);
    if (inputs === null) continue;
    data.keys.push(profile.key);
    data.churnFeatures.push(inputs.churn);
    data.valueFeatures.push(inputs.value);
    data.spend.push(Math.max(0, (futurePennies.get(profile.key) ?? 0) / 100));
    data.bought.push((futureOrders.get(profile.key) ?? 0) > 0 ? 1 : 0);
    data.lastPeriodSpend.push(inputs.lastPeriodSpend);
    data.recencyDays.push(inputs.recencyDays);
  }
  return data;
}
