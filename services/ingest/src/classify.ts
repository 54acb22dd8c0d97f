import { type Problem, decodeStoredEvent, encodeStoredEvent, toStoredEvent, validateEvent } from '@pulse/events';

/** What ingest does with one Kafka record; expected outcomes are values, not exceptions. */
export type Classified =
  | { kind: 'row'; messageId: string; row: string }
  | { kind: 'dead_letter'; reasonCode: string; problems: Problem[] };

/**
 * Accepts the collector's stored events as they are (the Kafka bytes become
 * the ClickHouse row, with no re-serialisation), normalises raw Segment
 * events that other producers wrote straight to the topic, and refuses the
 * rest with every reason.
 */
export function classifyRecord(value: Buffer | null, kafkaTimestamp: string): Classified {
  if (value === null || value.length === 0) {
    return { kind: 'dead_letter', reasonCode: 'empty_value', problems: [problem('record has no value')] };
  }
  const stored = decodeStoredEvent(value);
  if (stored.ok) return { kind: 'row', messageId: stored.value.message_id, row: value.toString('utf8') };

  const raw = parseObject(value);
  if (raw !== undefined && !('v' in raw)) {
    const receivedAt = new Date(Number(kafkaTimestamp));
    const segment = validateEvent(raw, { receivedAt: Number.isFinite(receivedAt.getTime()) ? receivedAt : new Date() });
    if (segment.ok) {
      const event = toStoredEvent(segment.value, { receivedAt, sourceId: 'kafka' });
      return { kind: 'row', messageId: event.message_id, row: encodeStoredEvent(event) };
    }
    return { kind: 'dead_letter', reasonCode: 'invalid_event', problems: segment.problems };
  }
  return { kind: 'dead_letter', reasonCode: 'invalid_event', problems: stored.problems };
}

function parseObject(value: Buffer): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(value.toString('utf8'));
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function problem(reason: string): Problem {
  return { path: '', code: 'required', reason };
}
