/**
 * The catalogue of Pulse's Kafka topics. Partition counts are explicit
 * because they bound consumer parallelism: scale out by raising them.
 * A prefix lets tests and several Pulse installations share one cluster.
 */
export interface TopicSpec {
  name: string;
  partitions: number;
  /** What the topic carries, for operators reading `pulse topics`. */
  carries: string;
  config?: Record<string, string>;
}

export interface TopicNames {
  events: string;
  deadLetters: string;
  segmentChanges: string;
  /** How far the modeling worker's segment changes are published (see SegmentChangePublisher). */
  segmentChangesProgress: string;
  /** Deletion and suppression requests (see RegulationRecord), one record per subject. */
  regulations: string;
}

export function topicNames(prefix = 'pulse'): TopicNames {
  return {
    events: `${prefix}.events`,
    deadLetters: `${prefix}.events.dlq`,
    segmentChanges: `${prefix}.segment-changes`,
    segmentChangesProgress: `${prefix}.segment-changes.progress`,
    regulations: `${prefix}.regulations`,
  };
}

export interface TopicPartitions {
  events: number;
  deadLetters: number;
  segmentChanges: number;
}

export const DEFAULT_PARTITIONS: TopicPartitions = { events: 6, deadLetters: 2, segmentChanges: 6 };

export function topicCatalogue(
  prefix = 'pulse',
  partitions: TopicPartitions = DEFAULT_PARTITIONS,
): TopicSpec[] {
  const names = topicNames(prefix);
  return [
    {
      name: names.events,
      partitions: partitions.events,
      carries: 'stored events (JSON StoredEvent, keyed by user_key)',
      config: { 'retention.ms': String(7 * 24 * 3600 * 1000) },
    },
    {
      name: names.deadLetters,
      partitions: partitions.deadLetters,
      carries: 'records ingest could not accept, with the reason (JSON DeadLetter)',
      config: { 'retention.ms': String(30 * 24 * 3600 * 1000) },
    },
    {
      name: names.segmentChanges,
      partitions: partitions.segmentChanges,
      carries: 'segment entries and exits (JSON SegmentChangeRecord, keyed by user, transactional)',
    },
    {
      name: names.segmentChangesProgress,
      partitions: 1,
      carries: 'the last published segment change seq per worker (compacted, transactional)',
      config: { 'cleanup.policy': 'compact' },
    },
    {
      name: names.regulations,
      // One partition: every service reads the whole list in one order (a suppression, then its lifting).
      partitions: 1,
      carries: 'deletion and suppression requests, one per subject (JSON RegulationRecord, kept forever)',
      // Never expired or compacted: it is the suppression list each service rebuilds at start.
      config: { 'retention.ms': '-1', 'retention.bytes': '-1' },
    },
  ];
}
