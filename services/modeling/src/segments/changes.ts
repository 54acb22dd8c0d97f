/**
 * One customer entering or leaving one segment: the record the streaming worker stores (membership
 * with entered/exited times) and publishes to the segment-changes topic. Segment ids are namespaced:
 * `rfm:champions`, `cluster:c2`, `cluster:outliers`, `rule:<id>`.
 */
export interface SegmentChange {
  userKey: string;
  segment: string;
  change: 'entered' | 'exited';
  /** The (event) time the change happened at. */
  atMs: number;
  /** The model or rule version that decided it. */
  version: string;
}

/** A change numbered by the worker: `seq` is unique per change and increases in decision order. */
export interface SequencedChange extends SegmentChange {
  seq: number;
}

/** The changes of moving a customer from one segment of a family to another (exit first). */
export function moveChanges(
  userKey: string,
  from: string | null,
  to: string | null,
  atMs: number,
  version: string,
): SegmentChange[] {
  if (from === to) return [];
  const changes: SegmentChange[] = [];
  if (from !== null) changes.push({ userKey, segment: from, change: 'exited', atMs, version });
  if (to !== null) changes.push({ userKey, segment: to, change: 'entered', atMs, version });
  return changes;
}
