import { LIMITS } from '@pulse/events';
import { describe, expect, it } from 'vitest';
import { eventCount, MAX_LISTED_REJECTIONS, prepareEvents } from './prepare.js';

const ctx = { receivedAt: new Date(), sourceId: 'web', maxEventBytes: LIMITS.maxEventBytes };
const track = (messageId: string) => ({ type: 'track', event: 'E', userId: 'u', messageId });

describe('prepareEvents', () => {
  it('lists at most MAX_LISTED_REJECTIONS problems, and counts every refused event by its first problem', () => {
    const batch = [track('ok-1'), ...new Array<unknown>(300_000).fill(0), {}, track('ok-2')];
    const prepared = prepareEvents({ batch }, 'batch', ctx);
    expect(prepared.accepted).toBe(2);
    expect(prepared.messageIds).toEqual(['ok-1', 'ok-2']);
    expect(prepared.rejected).toHaveLength(MAX_LISTED_REJECTIONS);
    expect(prepared.rejected[0]).toMatchObject({ index: 1, field: '', code: 'type' });
    // {} has two problems (type, then a missing id): both are unlisted, one event is counted.
    expect(prepared.omittedRejections).toBe(300_000 - MAX_LISTED_REJECTIONS + 2);
    expect(Object.fromEntries(prepared.rejectedEvents)).toEqual({ type: 300_000, required: 1 });
  });

  it('counts a refused envelope as one refused event', () => {
    const prepared = prepareEvents({ batch: 'nope' }, 'batch', ctx);
    expect(Object.fromEntries(prepared.rejectedEvents)).toEqual({ type: 1 });
    expect(prepared.rejected).toEqual([expect.objectContaining({ index: null, field: 'batch' })]);
  });

  it('refuses an event too large once stored, with its index', () => {
    const big = { ...track('big'), properties: { blob: 'x'.repeat(LIMITS.maxEventBytes) } };
    const prepared = prepareEvents({ batch: [track('a'), big] }, 'batch', ctx);
    expect(prepared.rejected).toEqual([expect.objectContaining({ index: 1, code: 'too_large' })]);
    expect(Object.fromEntries(prepared.rejectedEvents)).toEqual({ too_large: 1 });
    expect(prepared.messageIds).toEqual(['a']);
  });
});

describe('eventCount', () => {
  it('counts the items of a batch, whatever they are, and one for anything else', () => {
    expect(eventCount({ batch: [1, 2, 3] }, 'batch')).toBe(3);
    expect(eventCount({ batch: [] }, 'batch')).toBe(1);
    expect(eventCount({ batch: 'x' }, 'batch')).toBe(1);
    expect(eventCount(null, 'batch')).toBe(1);
    expect(eventCount({ batch: [1, 2] }, 'track')).toBe(1);
  });
});
