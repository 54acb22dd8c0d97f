/**
 * What the trigger service needs from the modeling side, as small
 * interfaces. None is implemented here: a campaign that uses segments is
 * refused at start unless a SegmentMembership is passed in deps.
 */
export interface SegmentMembership {
  /** Whether the person is in the segment now. */
  isMember(person: string, segment: string): Promise<boolean>;
}

/** Segment entries and exits as the segment-changes topic will carry them (consumer not built yet). */
export interface SegmentChange {
  person: string;
  segment: string;
  change: 'entered' | 'left';
  at: string;
}

/** Recommended items for a person, for `{{recommendations}}` in templates. */
export interface RecommendationSource {
  forPerson(person: string, limit: number): Promise<Array<{ item: string; score: number }>>;
}
