import type { SegmentChangeRecord } from '@pulse/events';

/**
 * What the trigger service needs from the modeling side, as small
 * interfaces: membership is kept from the segment-changes topic
 * (SegmentStore), recommendations come from the modeling service's API
 * (recommendationsClient). Either can be passed in deps instead.
 */
export interface SegmentMembership {
  /** Whether the person is in the segment now. */
  isMember(person: string, segment: string): Promise<boolean>;
}

/** One entry or exit, as the modeling worker publishes it on the segment-changes topic. */
export type SegmentChange = SegmentChangeRecord;

export interface RecommendedItem {
  item: string;
  score: number;
}

/** Recommended items for a person, for `{{recommendations}}` in templates. */
export interface RecommendationSource {
  /** Never rejects for the source's own failures: a message goes without recommendations rather than wait. */
  forPerson(person: string, limit: number): Promise<RecommendedItem[]>;
}
