import type { CustomerActivity } from './activity.js';
import { SegmentStateError } from './errors.js';
import { DAY_MS } from './time.js';

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
   * Orders and refunds of the last `retentionDays`, flat `[timeMs, signedPennies, isOrder]` triples in
   * time order: enough for every windowed feature without keeping a customer's whole history.
   */
  recent: number[];
}

export interface ProfilesOptions {
  retentionDays?: number;
  maxProducts?: number;
}

export interface ProfilesSnapshot {
  v: 1;
  retentionDays: number;
  maxProducts: number;
  customers: Array<Omit<CustomerProfile, 'products'> & { products: string[] }>;
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
        insertRecent(profile.recent, t, activity.amountPennies, 1);
        break;
      case 'refund':
        profile.refunds += 1;
        profile.refundedPennies += activity.amountPennies;
        insertRecent(profile.recent, t, -activity.amountPennies, 0);
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
      v: 1,
      retentionDays: this.retentionDays,
      maxProducts: this.maxProducts,
      customers: [...this.byKey.values()].map((p) => ({
        ...p,
        products: [...p.products],
        recent: [...p.recent],
      })),
    };
  }

  static restore(snapshot: ProfilesSnapshot): CustomerProfiles {
    if (snapshot?.v !== 1 || !Array.isArray(snapshot.customers)) {
      throw new SegmentStateError('profiles snapshot is not version 1');
    }
    const profiles = new CustomerProfiles(snapshot);
    for (const c of snapshot.customers) {
      profiles.byKey.set(c.key, { ...c, products: new Set(c.products), recent: [...c.recent] });
    }
    return profiles;
  }

  private pruneOne(profile: CustomerProfile, nowMs: number): void {
    const horizon = nowMs - this.retentionDays * DAY_MS;
    let drop = 0;
    while (drop < profile.recent.length && profile.recent[drop]! < horizon) drop += 3;
    if (drop > 0) profile.recent.splice(0, drop);
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
    recent: [],
  };
}

/** Keeps `recent` in time order; late events land where they belong, equal times keep arrival order. */
function insertRecent(recent: number[], timeMs: number, pennies: number, isOrder: number): void {
  let at = recent.length;
  while (at > 0 && recent[at - 3]! > timeMs) at -= 3;
  recent.splice(at, 0, timeMs, pennies, isOrder);
}

/** Net money and orders of the window (nowMs − days, nowMs]. */
export function windowTotals(
  profile: CustomerProfile,
  nowMs: number,
  days: number,
): {
  pennies: number;
  orders: number;
} {
  const from = nowMs - days * DAY_MS;
  let pennies = 0;
  let orders = 0;
  const r = profile.recent;
  for (let i = r.length - 3; i >= 0; i -= 3) {
    const t = r[i]!;
    if (t <= from) break;
    if (t > nowMs) continue;
    pennies += r[i + 1]!;
    orders += r[i + 2]!;
  }
  return { pennies, orders };
}
