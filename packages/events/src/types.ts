/** Any value JSON can carry. Events arrive as JSON and are stored as JSON, so nothing else is allowed. */
export type JsonValue = string | number | boolean | null | JsonValue[] | JsonObject;
export type JsonObject = { [key: string]: JsonValue };

export type EventType = 'track' | 'identify' | 'page' | 'screen' | 'group' | 'alias';

export const EVENT_TYPES: readonly EventType[] = Object.freeze([
  'track',
  'identify',
  'page',
  'screen',
  'group',
  'alias',
]);

const EVENT_TYPE_SET: ReadonlySet<string> = new Set(EVENT_TYPES);

export function isEventType(value: string): value is EventType {
  return EVENT_TYPE_SET.has(value);
}

/**
 * A Segment spec call (https://segment.com/docs/connections/spec/) after validation: ids are strings,
 * timestamps are ISO 8601 UTC with milliseconds, absent fields are left out.
 */
export interface SegmentEvent {
  type: EventType;
  messageId?: string;
  userId?: string;
  anonymousId?: string;
  /** The client's clock when the call was made; skew correction happens when the event is stored. */
  timestamp?: string;
  /** The client's clock when the request was sent; only used for skew correction. */
  sentAt?: string;
  context?: JsonObject;
  integrations?: JsonObject;
  /** track: the event name. */
  event?: string;
  /** page / screen. */
  name?: string;
  category?: string;
  properties?: JsonObject;
  traits?: JsonObject;
  /** group. */
  groupId?: string;
  /** alias. */
  previousId?: string;
  /** Top-level fields Pulse has no column for: kept, never dropped (except the secret `writeKey`). */
  extra?: JsonObject;
}
