import type { SegmentChangeRecord } from '@pulse/events';
import { describe, expect, it } from 'vitest';
import { parseCampaign } from '../campaigns/schema.js';
import { segmentOccasions } from './segment-occasions.js';

const campaign = (id: string, trigger: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  parseCampaign(
    { id, trigger, channel: { type: 'log' }, variants: [{ name: 'a', template: {} }], ...extra },
    'test',
  );

const now = Date.parse('2026-03-01T12:00:00Z');
const change = (over: Partial<SegmentChangeRecord> = {}): SegmentChangeRecord => ({
  v: 1,
  seq: 41,
  userKey: 'u:1',
  segment: 'rfm:champions',
  change: 'entered',
  at: '2026-03-01T11:59:00Z',
  version: 'v7',
  ...over,
});

const campaigns = [
  campaign('welcome', { kind: 'segment_entry', segment: 'rfm:champions' }),
  campaign('goodbye', { kind: 'segment_exit', segment: 'rfm:champions' }),
  campaign('other', { kind: 'segment_entry', segment: 'rfm:at-risk' }),
  campaign('paused', { kind: 'segment_entry', segment: 'rfm:champions' }, { enabled: false }),
  campaign('orders', { kind: 'event', event: 'Order Completed' }),
];

describe('segmentOccasions', () => {
  it('opens one occasion per live campaign on that segment and change, with an id from campaign, person and seq', () => {
    const found = segmentOccasions(change(), now - 1000, campaigns, now, { maxLatenessMs: 0 });
    expect(found.stale).toBe(0);
    expect(found.occasions.map((o) => [o.jobId, o.data.occasion, o.delayMs])).toEqual([
      ['welcome.u%3A1.entered-41', 'entered-41', 0],
    ]);
    expect(found.occasions[0]?.data.event).toEqual({
      message_id: 'segment-change-41',
      event: 'Segment Entered',
      timestamp: '2026-03-01T11:59:00Z',
      received_at: '2026-03-01T11:59:59.000Z',
      properties: { segment: 'rfm:champions', change: 'entered', version: 'v7', seq: 41 },
      traits: {},
      context: {},
    });
    // The same change read again gives the same ids; an exit goes to the exit campaign.
    expect(segmentOccasions(change(), now, campaigns, now, { maxLatenessMs: 0 }).occasions[0]?.jobId).toBe(
      'welcome.u%3A1.entered-41',
    );
    const exit = segmentOccasions(change({ change: 'exited', seq: 42 }), now, campaigns, now, {
      maxLatenessMs: 0,
    });
    expect(exit.occasions.map((o) => o.jobId)).toEqual(['goodbye.u%3A1.exited-42']);
  });

  it('counts changes published too long ago as stale and opens nothing for them', () => {
    const old = segmentOccasions(change(), now - 2 * 3_600_000, campaigns, now, { maxLatenessMs: 3_600_000 });
    expect(old).toEqual({ occasions: [], stale: 1 });
    expect(
      segmentOccasions(change({ segment: 'rule:none' }), now, campaigns, now, { maxLatenessMs: 1 }),
    ).toEqual({ occasions: [], stale: 0 });
  });
});
