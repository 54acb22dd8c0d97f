import { generateId as defaultGenerateId } from './id.js';
import { canonicalTimestamp, correctTimestampMs, formatTimestamp, parseTimestamp } from './timestamps.js';
import type { EventType, JsonObject, SegmentEvent } from './types.js';

/**
 * The normalised record on Kafka and in ClickHouse: every field present, snake_case like the columns,
 * absent strings '' and absent objects {}, timestamps ISO 8601 UTC with milliseconds.
 */
export interface StoredEvent {
  /** Schema version; a change that old consumers cannot read bumps it. */
  v: 1;
  message_id: string;
  type: EventType;
  /** The track event name, '' for other types. */
  event: string;
  user_id: string;
  anonymous_id: string;
  /** user_id || anonymous_id: the Kafka message key, so one user's events stay in order. */
  user_key: string;
  /** Skew-corrected event time. */
  timestamp: string;
  /** The client's own timestamp, before correction. */
  original_timestamp: string | null;
  sent_at: string | null;
  received_at: string;
  source_id: string;
  name: string;
  category: string;
  group_id: string;
  previous_id: string;
  properties: JsonObject;
  traits: JsonObject;
  context: JsonObject;
  integrations: JsonObject;
  extra: JsonObject;
}

export interface StoredEventMeta {
  receivedAt: Date;
  /** The source the write key belongs to. */
  sourceId: string;
  /** For tests; default generateId(). */
  generateId?: () => string;
}

/**
 * Builds the stored record from a validated event. Objects are shared with `event`, not copied: treat
 * both as immutable.
 */
export function toStoredEvent(event: SegmentEvent, meta: StoredEventMeta): StoredEvent {
  const receivedAt = meta.receivedAt.getTime();
  const timestamp = event.timestamp === undefined ? Number.NaN : parseTimestamp(event.timestamp);
  const sentAt = event.sentAt === undefined ? Number.NaN : parseTimestamp(event.sentAt);
  const originalTimestamp =
    event.timestamp === undefined || Number.isNaN(timestamp)
      ? null
      : canonicalTimestamp(event.timestamp, timestamp);
  const corrected = correctTimestampMs(timestamp, sentAt, receivedAt);
  const userId = event.userId ?? '';
  const anonymousId = event.anonymousId ?? '';
  return {
    v: 1,
    message_id: event.messageId || (meta.generateId ?? defaultGenerateId)(),
    type: event.type,
    event: event.type === 'track' ? (event.event ?? '') : '',
    user_id: userId,
    anonymous_id: anonymousId,
    user_key: userId || anonymousId,
    timestamp: corrected === timestamp ? originalTimestamp! : formatTimestamp(corrected),
    original_timestamp: originalTimestamp,
    sent_at:
      event.sentAt === undefined || Number.isNaN(sentAt) ? null : canonicalTimestamp(event.sentAt, sentAt),
    received_at: formatTimestamp(receivedAt),
    source_id: meta.sourceId,
    name: event.name ?? '',
    category: event.category ?? '',
    group_id: event.groupId ?? '',
    previous_id: event.previousId ?? '',
    properties: event.properties ?? {},
    traits: event.traits ?? {},
    context: event.context ?? {},
    integrations: event.integrations ?? {},
    extra: event.extra ?? {},
  };
}

/** The Kafka message value. The collector rejects events whose encoding exceeds LIMITS.maxEventBytes. */
export function encodeStoredEvent(event: StoredEvent): string {
  return JSON.stringify(event);
}
