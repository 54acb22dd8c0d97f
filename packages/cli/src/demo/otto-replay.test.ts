import { mapOttoSession, readOttoSessions } from '@pulse/datasets';
import { describe, expect, it } from 'vitest';
import { loadOttoCalls } from './otto-replay.js';

describe('the OTTO sample for the demo', () => {
  it('ends at the given time, keeps every gap and call, and prefixes article ids', async () => {
    const original = [];
    for await (const s of readOttoSessions()) original.push(...mapOttoSession(s));
    const endAt = new Date('2011-12-09T12:50:00Z');
    const { sessions, calls } = await loadOttoCalls({ endAt });
    expect(sessions).toBeGreaterThan(10);
    expect(calls).toHaveLength(original.length);
    expect(Math.max(...calls.map((c) => c.timestamp.getTime()))).toBe(endAt.getTime());
    for (let i = 1; i < calls.length; i++) {
      expect(calls[i]!.timestamp.getTime()).toBeGreaterThanOrEqual(calls[i - 1]!.timestamp.getTime());
    }
    const byId = new Map(original.map((c) => [c.messageId, c]));
    const shift = endAt.getTime() - Math.max(...original.map((c) => c.timestamp.getTime()));
    for (const c of calls) {
      const before = byId.get(c.messageId)!;
      expect(c.timestamp.getTime() - before.timestamp.getTime()).toBe(shift);
      if (c.type !== 'track') throw new Error('OTTO calls are track calls');
      if (c.event === 'Order Completed') {
        const products = c.properties['products'] as Array<{ product_id: string }>;
        expect(products.length).toBeGreaterThan(0);
        for (const p of products) expect(p.product_id).toMatch(/^otto-\d+$/);
      } else {
        expect(c.properties['product_id']).toBe(`otto-${String(before.properties['product_id'])}`);
      }
    }
  });
});
