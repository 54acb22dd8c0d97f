import { toStoredEvent, validateEvent } from '@pulse/events';
import { describe, expect, it } from 'vitest';
import { EXAMPLE_SEGMENT_RULES } from './rules/example-rules.js';
import { SegmentEngine } from './segment-engine.js';
import { SegmentsModel } from './segments-model.js';
import { day, order, view } from './test-support.js';

/** 60 customers over 200 days, so RFM, clusters (50 customers at least) and rules all hold people. */
function stream() {
  const events = [];
  for (let i = 0; i < 60; i += 1) {
    for (let o = 0; o < 1 + (i % 7); o += 1)
      events.push(order(`c${i}`, day(5 + ((i * 13 + o * 29) % 190)), 20 + ((i * 37) % 400)));
    for (let v = 0; v < i % 4; v += 1) events.push(view(`c${i}`, day(3 + ((i * 7 + v) % 190))));
  }
  // c7 views one product four times in a week without ordering: in the rule segment viewed-not-bought.
  for (let v = 0; v < 4; v += 1) events.push(view('c7', day(196) + v * 3_600_000, 'p9'));
  return events.sort((a, b) => a.timeMs - b.timeMs);
}

describe('SegmentEngine.forget', () => {
  it('erases a customer from profiles, RFM, clusters and rules without exits; the others stay as they were', () => {
    const engine = new SegmentEngine({ rules: EXAMPLE_SEGMENT_RULES });
    for (const e of stream()) engine.apply(e);
    const target = 'c7';
    expect(engine.segmentsOf(target)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^rfm:/), expect.stringMatching(/^cluster:/)]),
    );
    expect(engine.segmentsOf(target)).toContain('rule:viewed-not-bought');
    const others = Array.from({ length: 60 }, (_, i) => `c${i}`).filter((k) => k !== target);
    const before = others.map((k) => [engine.segmentsOf(k), engine.traitsOf(k)]);

    expect(engine.forget(target)).toBe(true);
    expect(engine.segmentsOf(target)).toEqual([]);
    expect(engine.traitsOf(target)).toEqual({});
    expect(engine.profiles.get(target)).toBeUndefined();
    expect(engine.membersOf('rule:viewed-not-bought')).not.toContain(target);
    expect(JSON.stringify(engine.snapshot())).not.toContain(`"${target}"`);
    expect(others.map((k) => [engine.segmentsOf(k), engine.traitsOf(k)])).toEqual(before);
    expect(engine.forget(target)).toBe(false);

    // Time passing (expiries, refreshes, refits) names them in no change, and a restored engine lacks them.
    const later = [...engine.advanceTo(day(400)), ...engine.refresh(day(401))];
    expect(later.some((c) => c.userKey === target)).toBe(false);
    const restored = SegmentEngine.restore(JSON.parse(JSON.stringify(engine.snapshot())), {
      rules: EXAMPLE_SEGMENT_RULES,
    });
    expect(restored.segmentsOf(target)).toEqual([]);
    expect(restored.traitsOf(target)).toEqual({});
  });
});

describe('SegmentsModel.forget', () => {
  it('drops the customer and their unpublished changes, keeping everyone else’s', () => {
    const model = new SegmentsModel({ rules: EXAMPLE_SEGMENT_RULES });
    const receivedAt = new Date('2024-03-01T00:00:00Z');
    for (const [userId, total] of [
      ['ada', 1500],
      ['bob', 1200],
    ] as const) {
      const validated = validateEvent(
        {
          type: 'track',
          event: 'Order Completed',
          userId,
          messageId: `order-${userId}`,
          timestamp: '2024-02-28T10:00:00Z',
          properties: { order_id: `o-${userId}`, total, products: [{ product_id: 'p1', price: total }] },
        },
        { receivedAt },
      );
      if (!validated.ok) throw new Error(JSON.stringify(validated.problems));
      model.apply(toStoredEvent(validated.value, { receivedAt, sourceId: 'test' }));
    }
    const pendingOf = (key: string) => model.pendingChanges.filter((c) => c.userKey === key);
    expect(pendingOf('ada').map((c) => c.segment)).toContain('rule:big-spenders-90d');
    const bob = pendingOf('bob');
    expect(bob.length).toBeGreaterThan(0);

    expect(model.forget('ada')).toBe(true);
    expect(pendingOf('ada')).toEqual([]);
    expect(pendingOf('bob')).toEqual(bob);
    expect(model.segments.segmentsOf('ada')).toEqual([]);
    expect(model.segments.segmentsOf('bob')).toContain('rule:big-spenders-90d');
    expect(JSON.stringify(model.snapshot())).not.toContain('"ada"');
    expect(model.forget('ada')).toBe(false);
  });
});
