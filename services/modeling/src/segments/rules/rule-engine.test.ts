import { describe, expect, it } from 'vitest';
import type { SegmentChange } from '../changes.js';
import { activity, day, order, view } from '../test-support.js';
import { EXAMPLE_SEGMENT_RULES } from './example-rules.js';
import { RuleEngine, type RuleEngineSnapshot } from './rule-engine.js';

const HOUR = 3_600_000;
const brief = (changes: SegmentChange[]) =>
  changes.map((c) => `${c.atMs} ${c.userKey} ${c.change} ${c.segment}`);

describe('rule segments, incrementally', () => {
  it('enters "viewed 3 times in 7 days, no order" on the third view and leaves it when a view expires', () => {
    const engine = new RuleEngine(EXAMPLE_SEGMENT_RULES);
    const out: SegmentChange[] = [];
    out.push(...engine.apply(view('ann', day(0))));
    out.push(...engine.apply(view('ann', day(1))));
    expect(out).toEqual([]);
    out.push(...engine.apply(view('ann', day(2))));
    expect(brief(out)).toEqual([`${day(2)} ann entered rule:viewed-not-bought`]);
    // Nothing happens until the first view is exactly 7 days old.
    expect(engine.advanceTo(day(7) - 1)).toEqual([]);
    expect(brief(engine.advanceTo(day(8)))).toEqual([`${day(7)} ann exited rule:viewed-not-bought`]);
    expect(engine.segmentsOf('ann')).toEqual([]);
  });

  it('leaves it at once when the customer orders, and comes back when that order leaves the window', () => {
    const engine = new RuleEngine(EXAMPLE_SEGMENT_RULES);
    for (const h of [0, 1, 2, 3]) engine.apply(view('bob', day(10) + h * HOUR));
    expect(engine.segmentsOf('bob')).toEqual(['rule:viewed-not-bought']);
    expect(brief(engine.apply(order('bob', day(11), 50)))).toEqual([
      `${day(11)} bob exited rule:viewed-not-bought`,
    ]);
    for (const h of [0, 1, 2]) engine.apply(view('bob', day(15) + h * HOUR));
    // Views of day 15 are still in the window when the order of day 11 expires (day 18).
    expect(brief(engine.advanceTo(day(19)))).toEqual([`${day(18)} bob entered rule:viewed-not-bought`]);
  });

  it('sums a property over 90 days: in above 1,000, out when the old orders expire', () => {
    const engine = new RuleEngine(EXAMPLE_SEGMENT_RULES);
    expect(engine.apply(order('cat', day(0), 600))).toEqual([]);
    expect(brief(engine.apply(order('cat', day(10), 500)))).toEqual([
      `${day(10)} cat entered rule:big-spenders-90d`,
    ]);
    expect(brief(engine.advanceTo(day(200)))).toEqual([`${day(90)} cat exited rule:big-spenders-90d`]);
  });

  it('puts a late event where it belongs in its window', () => {
    const engine = new RuleEngine(EXAMPLE_SEGMENT_RULES);
    engine.apply(view('dan', day(5)));
    engine.apply(view('dan', day(6)));
    // Arrives after the day-6 view but happened on day 4: the third view, and the first to expire.
    expect(brief(engine.apply(view('dan', day(4))))).toEqual([
      `${day(6)} dan entered rule:viewed-not-bought`,
    ]);
    expect(brief(engine.advanceTo(day(30)))).toEqual([`${day(11)} dan exited rule:viewed-not-bought`]);
    // Too late to count at all: already outside its 7-day window.
    expect(engine.apply(view('dan', day(1)))).toEqual([]);
  });

  it('evaluates trait conditions when traits change', () => {
    const engine = new RuleEngine(EXAMPLE_SEGMENT_RULES);
    expect(engine.setTraits('eve', { rfm_segment: 'loyal', buy_probability_90d: 0.8 }, day(1))).toEqual([]);
    expect(brief(engine.setTraits('eve', { buy_probability_90d: 0.3 }, day(2)))).toEqual([
      `${day(2)} eve entered rule:valuable-slipping-away`,
    ]);
    expect(brief(engine.setTraits('eve', { rfm_segment: null }, day(3)))).toEqual([
      `${day(3)} eve exited rule:valuable-slipping-away`,
    ]);
  });

  it('counts all time without a window, and filters on properties', () => {
    const engine = new RuleEngine([
      { id: 'third-order', name: 'x', rule: { performed: 'Order Completed', gte: 3 } },
      {
        id: 'wants-p9',
        name: 'x',
        rule: { performed: 'Product Viewed', where: { product_id: 'p9' }, gte: 2 },
      },
    ]);
    engine.apply(order('fay', day(0), 1));
    engine.apply(order('fay', day(100), 1));
    expect(brief(engine.apply(order('fay', day(300), 1)))).toEqual([
      `${day(300)} fay entered rule:third-order`,
    ]);
    expect(engine.advanceTo(day(2_000))).toEqual([]);
    engine.apply(view('fay', day(2_001), 'p1'));
    engine.apply(view('fay', day(2_001), 'p9'));
    expect(engine.segmentsOf('fay')).toEqual(['rule:third-order']);
    engine.apply(view('fay', day(2_002), 'p9'));
    expect(engine.segmentsOf('fay')).toEqual(['rule:third-order', 'rule:wants-p9']);
  });

  it('forgets visitors whose windows emptied, and judges them the same when they come back', () => {
    const engine = new RuleEngine(EXAMPLE_SEGMENT_RULES);
    engine.apply(view('anon-1', day(0), 'p1', false));
    expect(engine.trackedCustomers).toBe(1);
    engine.advanceTo(day(8));
    expect(engine.trackedCustomers).toBe(0);
    engine.apply(activity('anon-1', 'other', day(9)));
    expect(engine.segmentsOf('anon-1')).toEqual([]);
  });

  it('sums with day resolution from 7-day windows up: an order leaves when its day does', () => {
    const engine = new RuleEngine(EXAMPLE_SEGMENT_RULES);
    engine.apply(order('ida', day(0) + 20 * HOUR, 600));
    expect(brief(engine.apply(order('ida', day(1), 500)))).toEqual([
      `${day(1)} ida entered rule:big-spenders-90d`,
    ]);
    // Day 0's orders count on days 0 to 89, whatever their hour.
    expect(brief(engine.advanceTo(day(100)))).toEqual([`${day(90)} ida exited rule:big-spenders-90d`]);
    // Late, and its day is out of the window: not counted.
    expect(engine.apply(order('ida', day(10) + 23 * HOUR, 2_000))).toEqual([]);
    expect(engine.segmentsOf('ida')).toEqual([]);
  });

  it('keeps state bounded by customers, not events: 200,000 orders and views of one person', () => {
    const engine = new RuleEngine(EXAMPLE_SEGMENT_RULES);
    const step = Math.floor((200 * 24 * HOUR) / 200_000);
    for (let i = 0; i < 200_000; i++) {
      const t = day(0) + i * step;
      engine.apply(i % 10 === 0 ? order('joe', t, 5) : view('joe', t));
    }
    const held = engine.heldEntries;
    // Views keep 4, orders 1 (7-day counts), the 90-day sum a bucket per day: 90 + 5.
    expect(held.windows).toBeLessThanOrEqual(95);
    expect(held.expiries).toBe(1);
    expect(JSON.stringify(engine.snapshot()).length).toBeLessThan(5_000);
  });

  it('restores a version 1 snapshot, whose summed windows kept every order, into day buckets', () => {
    const engine = new RuleEngine(EXAMPLE_SEGMENT_RULES);
    engine.apply(order('kim', day(0) + 10 * HOUR, 600));
    engine.apply(order('kim', day(0) + 12 * HOUR, 500));
    const v1 = JSON.parse(JSON.stringify(engine.snapshot())) as RuleEngineSnapshot;
    v1.v = 1;
    const saved = v1.customers[0]!.windows[2]!;
    // As version 1 saved it: an entry per order, at its own time.
    v1.customers[0]!.windows[2] = {
      t: [day(0) + 10 * HOUR, day(0) + 12 * HOUR],
      v: [600, 500],
      c: 2,
      s: 1100,
    };
    const restored = RuleEngine.restore(v1);
    expect(restored.snapshot().customers[0]!.windows[2]).toEqual(saved);
    expect(restored.segmentsOf('kim')).toEqual(['rule:big-spenders-90d']);
    expect(brief(restored.advanceTo(day(100)))).toEqual([`${day(90)} kim exited rule:big-spenders-90d`]);
  });

  it('restored from a snapshot, produces exactly the changes the original does', () => {
    const original = new RuleEngine(EXAMPLE_SEGMENT_RULES);
    const events = [
      ...[0, 1, 2, 3, 4].map((d) => view('gus', day(d))),
      order('gus', day(5), 700),
      ...[6, 7, 8].map((d) => view('hal', day(d))),
      order('gus', day(9), 400),
      order('hal', day(40), 2_000),
    ];
    for (const event of events.slice(0, 6)) original.apply(event);
    const restored = RuleEngine.restore(JSON.parse(JSON.stringify(original.snapshot())));
    const rest = events.slice(6);
    const a = [...rest.flatMap((e) => original.apply(e)), ...original.advanceTo(day(200))];
    const b = [...rest.flatMap((e) => restored.apply(e)), ...restored.advanceTo(day(200))];
    expect(b).toEqual(a);
    expect(a.length).toBeGreaterThan(4);
  });
});
