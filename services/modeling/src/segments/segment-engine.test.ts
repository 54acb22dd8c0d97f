import { toStoredEvent, validateEvent } from '@pulse/events';
import { describe, expect, it } from 'vitest';
import type { IncrementalModel } from '../worker/model.js';
import { RecentIds } from './dedup-ids.js';
import { EXAMPLE_SEGMENT_RULES } from './rules/example-rules.js';
import { SegmentEngine } from './segment-engine.js';
import { SegmentsModel } from './segments-model.js';
import { day, order, view } from './test-support.js';

/** 60 customers over 200 days: a mix of buyers, browsers and a refund. */
function stream() {
  const events = [];
  for (let i = 0; i < 60; i += 1) {
    for (let o = 0; o < 1 + (i % 7); o += 1)
      events.push(order(`c${i}`, day(5 + ((i * 13 + o * 29) % 190)), 20 + ((i * 37) % 400)));
    for (let v = 0; v < i % 4; v += 1) events.push(view(`c${i}`, day(3 + ((i * 7 + v) % 190))));
  }
  return events.sort((a, b) => a.timeMs - b.timeMs);
}

describe('the segment engine', () => {
  it('counts a redelivered event once', () => {
    const engine = new SegmentEngine({ rules: EXAMPLE_SEGMENT_RULES });
    const first = order('ann', day(0), 600);
    engine.apply(first);
    expect(engine.apply({ ...first })).toEqual([]);
    expect(engine.profiles.get('ann')?.orders).toBe(1);
    const ids = new RecentIds(2);
    expect([ids.add('a'), ids.add('b'), ids.add('a'), ids.add('c'), ids.add('a')]).toEqual([
      true,
      true,
      false,
      true,
      true,
    ]);
    expect(RecentIds.from(ids.toJSON(), 2).add('c')).toBe(false);
  });

  it('keeps a state bounded by customers, not events: 200,000 events of two people over 200 days', () => {
    const engine = new SegmentEngine({ rules: EXAMPLE_SEGMENT_RULES, dedupCapacity: 1_000 });
    const step = Math.floor((200 * 86_400_000) / 200_000);
    const sizes: number[] = [];
    for (let i = 0; i < 200_000; i++) {
      const who = i % 2 === 0 ? 'ann' : 'bob';
      engine.apply(i % 10 < 2 ? order(who, day(0) + i * step, 3) : view(who, day(0) + i * step));
      if ((i + 1) % 50_000 === 0) sizes.push(JSON.stringify(engine.snapshot()).length);
    }
    // Days of history grow it a little until the windows are full (90 and 400 days); orders do not.
    expect(sizes.at(-1)!).toBeLessThan(40_000);
    expect(sizes.at(-1)! - sizes[1]!).toBeLessThan(10_000);
    expect(engine.rules.heldEntries.expiries).toBeLessThanOrEqual(2);
    expect(engine.rules.heldEntries.windows).toBeLessThanOrEqual(2 * 95);
  });

  it('refreshes RFM on event time and gives customers traits rules can read', () => {
    const engine = new SegmentEngine({ rules: EXAMPLE_SEGMENT_RULES });
    const events = stream();
    const changes = events.flatMap((e) => engine.apply(e));
    // The first daily refresh scored everyone who had ordered by then.
    expect(changes.some((c) => c.segment.startsWith('rfm:') && c.change === 'entered')).toBe(true);
    expect(engine.rfm.allScores().size).toBe(60);
    expect(engine.traitsOf('c6')).toMatchObject({
      rfm_segment: expect.any(String),
      rfm_r: expect.any(Number),
    });
    expect(engine.segmentsOf('c6')[0]).toMatch(/^rfm:/);
    // Weekly cluster refits ran on event time as well.
    expect(engine.clusters.report?.customers).toBe(60);
  });

  it('is deterministic across a snapshot: restored mid-stream, it emits the very same changes', () => {
    const events = stream();
    const half = Math.floor(events.length / 2);
    const original = new SegmentEngine({ rules: EXAMPLE_SEGMENT_RULES });
    for (const e of events.slice(0, half)) original.apply(e);
    const restored = SegmentEngine.restore(JSON.parse(JSON.stringify(original.snapshot())), {
      rules: EXAMPLE_SEGMENT_RULES,
    });
    const a = events.slice(half).flatMap((e) => original.apply(e));
    const b = events.slice(half).flatMap((e) => restored.apply(e));
    expect(b).toEqual(a);
    expect(a.length).toBeGreaterThan(50);
    expect(restored.sizes()).toEqual(original.sizes());
  });
});

describe('the worker-facing model', () => {
  it('takes stored events, keeps produced changes until taken, and carries them in its snapshot', () => {
    const model: IncrementalModel & SegmentsModel = new SegmentsModel({ rules: EXAMPLE_SEGMENT_RULES });
    const receivedAt = new Date(day(1));
    const event = (properties: Record<string, unknown>, messageId: string) => {
      const v = validateEvent(
        {
          type: 'track',
          event: 'Order Completed',
          userId: 'u1',
          messageId,
          timestamp: receivedAt.toISOString(),
          properties,
        },
        { receivedAt },
      );
      if (!v.ok) throw new Error('invalid test event');
      return toStoredEvent(v.value, { receivedAt, sourceId: 's' });
    };
    model.apply(event({ order_id: 'o1', total: 1_500 }, 'm1'));
    model.apply(event({ order_id: 'o2' }, 'm2'));
    expect(model.counts.invalid).toEqual({ 'Order Completed has no numeric total or revenue': 1 });
    const snapshot = JSON.parse(JSON.stringify(model.snapshot()));
    const changes = model.takeChanges();
    expect(changes.map((c) => `${c.change} ${c.segment}`)).toEqual(['entered rule:big-spenders-90d']);
    expect(model.takeChanges()).toEqual([]);
    const copy = new SegmentsModel({ rules: EXAMPLE_SEGMENT_RULES });
    copy.restore(snapshot);
    expect(copy.takeChanges()).toEqual(changes);
  });
});
