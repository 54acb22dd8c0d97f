import { describe, expect, it } from 'vitest';
import { CustomerProfiles, type ProfilesSnapshot, windowTotals } from './profiles.js';
import { day, order, refund } from './test-support.js';
import { DAY_MS, dayIndex } from './time.js';

const HOUR = 3_600_000;

describe('customer profiles', () => {
  it('add orders and refunds up per day: windows of N days are today and the N − 1 days before', () => {
    const profiles = new CustomerProfiles();
    profiles.apply(order('ann', day(0) + 2 * HOUR, 10));
    profiles.apply(order('ann', day(0) + 20 * HOUR, 5));
    profiles.apply(refund('ann', day(29) + HOUR, 3));
    profiles.apply(order('ann', day(30) + 23 * HOUR, 7));
    // Late: lands in its own day.
    profiles.apply(order('ann', day(29), 1));
    const ann = profiles.get('ann')!;
    expect(ann.days).toEqual([
      dayIndex(day(0)),
      1500,
      2,
      dayIndex(day(29)),
      -200,
      1,
      dayIndex(day(30)),
      700,
      1,
    ]);
    expect(windowTotals(ann, day(30), 30)).toEqual({ pennies: 500, orders: 2 });
    expect(windowTotals(ann, day(29) + 23 * HOUR, 30)).toEqual({ pennies: 1300, orders: 3 });
    expect(windowTotals(ann, day(30) + 23 * HOUR, 1)).toEqual({ pennies: 700, orders: 1 });
  });

  it('keep a bounded history: 200,000 orders of one person over 800 days hold at most 401 days', () => {
    const profiles = new CustomerProfiles();
    const step = Math.floor((800 * DAY_MS) / 200_000);
    for (let i = 0; i < 200_000; i++) profiles.apply(order('bob', day(0) + i * step, 1));
    const bob = profiles.get('bob')!;
    expect(bob.orders).toBe(200_000);
    expect(bob.days.length / 3).toBeLessThanOrEqual(profiles.retentionDays + 1);
    const now = day(0) + 199_999 * step;
    expect(windowTotals(bob, now, 365).orders).toBe(
      Array.from({ length: 200_000 }, (_, i) => day(0) + i * step).filter(
        (t) => dayIndex(t) > dayIndex(now) - 365,
      ).length,
    );
    expect(JSON.stringify(profiles.snapshot()).length).toBeLessThan(20_000);
  });

  it('restore a version 1 snapshot, which kept a triple per order, added up per day', () => {
    const profiles = new CustomerProfiles();
    profiles.apply(order('cat', day(3) + HOUR, 4));
    profiles.apply(order('cat', day(3) + 5 * HOUR, 6));
    profiles.apply(refund('cat', day(4), 2));
    const v2 = profiles.snapshot();
    const { days: _, ...cat } = v2.customers[0]!;
    const v1 = {
      ...v2,
      v: 1,
      customers: [{ ...cat, recent: [day(3) + HOUR, 400, 1, day(3) + 5 * HOUR, 600, 1, day(4), -200, 0] }],
    } as unknown as ProfilesSnapshot;
    expect(CustomerProfiles.restore(v1).snapshot()).toEqual(v2);
  });
});
