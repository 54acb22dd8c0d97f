import type { CustomerActivity } from './activity.js';
import { SegmentStateError } from './errors.js';
import { dayIndex } from './time.js';

/**
 * Everything RFM, clusters and predictions know about one customer, kept up to date event by event.
 * Money is in integer pennies so that any order of additions gives the same sums (incremental = batch).
 */
export interface CustomerProfile {
  key: string;
  firstOrderMs: number | null;
  lastOrderMs: number | null;
  orders: number;
  refunds: number;
  spentPennies: number;
  refundedPennies: number;
  units: number;
  /** Distinct products ordered, capped at `maxProducts` (breadth stops growing there). */
  products: Set<string>;
  views: number;
  carts: number;
  lastSeenMs: number;
  /**
   * Orders and refunds of the last `retentionDays` UTC days, added up per day: flat
   * `[day, netPennies, orders]` triples (day = dayIndex), oldest day first. Enough for every windowed
   * feature (which so have day resolution) in memory bounded by the retention, not by the orders: a
   * triple per order grew without bound under steady load.
   */
  days: number[];
}

export interface ProfilesOptions {
  retentionDays?: number;
  maxProducts?: number;
}

export interface ProfilesSnapshot {
  v: 2;
  retentionDays: number;
  maxProducts: number;
  customers: Array<Omit<CustomerProfile, 'products'> & { products: string[] }>;
}

/** Before day buckets: `recent` held a `[timeMs, signedPennies, isOrder]` triple per order or refund. */
interface ProfilesSnapshotV1 extends Omit<ProfilesSnapshot, 'v' | 'customers'> {
  v: 1;
  customers: Array<Omit<CustomerProfile, 'products' | 'days'> & { products: string[]; recent: number[] }>;
}

/** Customer profiles keyed by user key, in first-seen order (deterministic iteration). */
export class CustomerProfiles {
  readonly retentionDays: number;
  readonly maxProducts: number;
  private readonly byKey = new Map<string, CustomerProfile>();

  constructor(options: ProfilesOptions = {}) {
    this.retentionDays = options.retentionDays ?? 400;
    this.maxProducts = options.maxProducts ?? 2_000;
  }

  get size(): number {
    return this.byKey.size;
  }

  get(key: string): CustomerProfile | undefined {
    return this.byKey.get(key);
  }

  values(): IterableIterator<CustomerProfile> {
    return this.byKey.values();
  }

  /** Folds one activity into its customer's profile; anonymous visitors have none (returns null). */
  apply(activity: CustomerActivity): CustomerProfile | null {
    if (!activity.identified) return null;
    let profile = this.byKey.get(activity.userKey);
    if (profile === undefined) {
      profile = emptyProfile(activity.userKey, activity.timeMs);
      this.byKey.set(activity.userKey, profile);
    }
    const t = activity.timeMs;
    profile.lastSeenMs = Math.max(profile.lastSeenMs, t);
    switch (activity.kind) {
      case 'order':
        profile.orders += 1;
        profile.spentPennies += activity.amountPennies;
        profile.units += activity.units;
        profile.firstOrderMs = profile.firstOrderMs === null ? t : Math.min(profile.firstOrderMs, t);
        profile.lastOrderMs = profile.lastOrderMs === null ? t : Math.max(profile.lastOrderMs, t);
        for (const id of activity.productIds) {
          if (profile.products.size >= this.maxProducts) break;
          profile.products.add(id);
        }
        addToDay(profile.days, dayIndex(t), activity.amountPennies, 1);
        break;
      case 'refund':
        profile.refunds += 1;
        profile.refundedPennies += activity.amountPennies;
        addToDay(profile.days, dayIndex(t), -activity.amountPennies, 0);
        break;
      case 'view':
        profile.views += 1;
        break;
      case 'cart':
        profile.carts += 1;
        break;
      default:
        break;
    }
    this.pruneOne(profile, t);
    return profile;
  }

  /** Forgets a customer's profile (a deletion request); whether there was one. */
  forget(key: string): boolean {
    return this.byKey.delete(key);
  }

  /** Drops windowed history older than the retention; call as time passes to bound memory. */
  prune(nowMs: number): void {
    for (const profile of this.byKey.values()) this.pruneOne(profile, nowMs);
  }

  snapshot(): ProfilesSnapshot {
    return {
      v: 2,
      retentionDays: this.retentionDays,
      maxProducts: this.maxProducts,
      customers: [...this.byKey.values()].map((p) => ({
        ...p,
        products: [...p.products],
        days: [...p.days],
      })),
    };
  }

  /** Restores a snapshot; one of version 1 (a triple per order) has its orders added up per day. */
  static restore(snapshot: ProfilesSnapshot | ProfilesSnapshotV1): CustomerProfiles {
    if ((snapshot?.v !== 1 && snapshot?.v !== 2) || !Array.isArray(snapshot.customers)) {
      throw new SegmentStateError('profiles snapshot is not version 1 or 2');
    }
    const profiles = new CustomerProfiles(snapshot);
    if (snapshot.v === 2) {
      for (const c of snapshot.customers) {
        profiles.byKey.set(c.key, { ...c, products: new Set(c.products), days: [...c.days] });
      }
      return profiles;
    }
    for (const { recent, ...c } of snapshot.customers) {
      const days: number[] = [];
      for (let i = 0; i + 2 < recent.length; i += 3)
        addToDay(days, dayIndex(recent[i]!), recent[i + 1]!, recent[i + 2]!);
      profiles.byKey.set(c.key, { ...c, products: new Set(c.products), days });
    }
    return profiles;
  }

  /** Drops the days no window reads any more: those at least `retentionDays` before now's. */
  private pruneOne(profile: CustomerProfile, nowMs: number): void {
    const horizon = dayIndex(nowMs) - this.retentionDays;
    let drop = 0;
    while (drop < profile.days.length && profile.days[drop]! <= horizon) drop += 3;
    if (drop > 0) profile.days.splice(0, drop);
  }
}

export function emptyProfile(key: string, firstSeenMs: number): CustomerProfile {
  return {
    key,
    firstOrderMs: null,
    lastOrderMs: null,
    orders: 0,
    refunds: 0,
    spentPennies: 0,
    refundedPennies: 0,
    units: 0,
    products: new Set(),
    views: 0,
    carts: 0,
    lastSeenMs: firstSeenMs,
    days: [],
  };
}

/** Adds to a day's triple, created in day order (a late event's day may be before the newest). */
function addToDay(days: number[], day: number, pennies: number, orders: number): void {
  let at = days.length;
  while (at > 0 && days[at - 3]! > day) at -= 3;
  if (at > 0 && days[at - 3] === day) {
    days[at - 2]! += pennies;
    days[at - 1]! += orders;
  } else {
    days.splice(at, 0, day, pennies, orders);
  }
}

/**
 * Net money and orders of the last `days` UTC days, now's day included: day resolution, so a 90-day
 * window holds today and the 89 days before, whatever the hour.
 */
export function windowTotals(
  profile: CustomerProfile,
  nowMs: number,
  days: number,
): {
  pennies: number;
  orders: number;
} {
  const today = dayIndex(nowMs);
  const from = today - days;
  let pennies = 0;
  let orders = 0;
  const r = profile.days;
  for (let i = r.length - 3; i >= 0; i -= 3) {
    const day = r[i]!;
    if (day <= from) break;
    if (day > today) continue;
    pennies += r[i + 1]!;
    orders += r[i + 2]!;
  }
  return { pennies, orders };
}
