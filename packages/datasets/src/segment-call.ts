/**
 * A Segment call ready for replay. The identity is a union (exactly one of userId / anonymousId) so
 * that `analytics.identify(call)` and `analytics.track(call)` of @segment/analytics-node accept it
 * as is: their parameter types require at least one of the two. The extra `type` field tells the
 * replay which method to call; analytics-node ignores it.
 */
export type SegmentIdentity =
  | { userId: string; anonymousId?: undefined }
  | { userId?: undefined; anonymousId: string };

export type SegmentIdentifyCall = SegmentIdentity & {
  type: 'identify';
  traits: Record<string, unknown>;
  timestamp: Date;
  /** Deterministic, so a replay run twice is deduplicated downstream instead of doubled. */
  messageId: string;
};

export type SegmentTrackCall = SegmentIdentity & {
  type: 'track';
  event: string;
  properties: Record<string, unknown>;
  timestamp: Date;
  messageId: string;
};

export type SegmentCall = SegmentIdentifyCall | SegmentTrackCall;
