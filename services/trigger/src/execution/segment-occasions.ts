import type { SegmentChangeRecord } from '@pulse/events';
import { type Campaign, isLive } from '../campaigns/schema.js';
import { occasionJobId, type TriggerEvent } from './jobs.js';
import type { Found, NewOccasion, OccasionLimits } from './occasions.js';

/** The event name a segment change takes in decisions and templates ({{event.properties.segment}}). */
export const SEGMENT_EVENTS = { entered: 'Segment Entered', exited: 'Segment Exited' } as const;

/** The change as the triggering event of its occasions; its message id is the change's seq. */
export function segmentEvent(change: SegmentChangeRecord, publishedAt: number): TriggerEvent {
  return {
    message_id: `segment-change-${change.seq}`,
    event: SEGMENT_EVENTS[change.change],
    timestamp: change.at,
    received_at: new Date(publishedAt).toISOString(),
    properties: { segment: change.segment, change: change.change, version: change.version, seq: change.seq },
    traits: {},
    context: {},
  };
}

/**
 * The occasions one segment change opens: one per live campaign whose
 * trigger is this segment's entry (or exit). The job id is campaign +
 * person + seq, so a redelivered change finds its job already there.
 * A change published more than `maxLatenessMs` ago (a replay of the topic)
 * opens none.
 */
export function segmentOccasions(
  change: SegmentChangeRecord,
  publishedAt: number,
  campaigns: readonly Campaign[],
  now: number,
  limits: OccasionLimits,
): Found {
  const wanted = change.change === 'entered' ? 'segment_entry' : 'segment_exit';
  const matching = campaigns.filter(
    (c) => c.trigger.kind === wanted && c.trigger.segment === change.segment && isLive(c, now),
  );
  if (matching.length === 0) return { occasions: [], stale: 0 };
  if (limits.maxLatenessMs > 0 && now - publishedAt > limits.maxLatenessMs) {
    return { occasions: [], stale: matching.length };
  }
  const event = segmentEvent(change, publishedAt);
  const occasion = `${change.change}-${change.seq}`;
  return {
    occasions: matching.map(
      (c): NewOccasion => ({
        jobId: occasionJobId(c.id, change.userKey, occasion),
        data: { campaignId: c.id, person: change.userKey, occasion, event },
        delayMs: 0,
      }),
    ),
    stale: 0,
  };
}
