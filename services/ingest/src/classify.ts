import { isUtf8 } from 'node:buffer';
import { createHash } from 'node:crypto';
import {
  decodeStoredEvent,
  encodeStoredEvent,
  type Problem,
  toStoredEvent,
  validateEvent,
} from '@pulse/events';

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
    // The Kafka timestamp stands for the collector's receivedAt. validateEvent
    // and toStoredEvent must get the same one, and a valid one (toStoredEvent
    // formats it).
    const kafkaTime = new Date(Number(kafkaTimestamp));
    const receivedAt = Number.isFinite(kafkaTime.getTime()) ? kafkaTime : new Date();
    const segment = validateEvent(raw, { receivedAt });
    if (segment.ok) {
      // An event without messageId gets one derived from the record, so that
      // a redelivery gets the same id and folds in ClickHouse instead of
      // being stored twice.
      const event = toStoredEvent(segment.value, {
        receivedAt,
        sourceId: 'kafka',
        generateId: () => recordId(value, kafkaTimestamp),
      });
      return { kind: 'row', messageId: event.message_id, row: encodeStoredEvent(event) };
    }
    return { kind: 'dead_letter', reasonCode: 'invalid_event', problems: segment.problems };
  }
  return { kind: 'dead_letter', reasonCode: 'invalid_event', problems: stored.problems };
}

/** A stable id for a record: the same bytes at the same Kafka timestamp are the same event. */
function recordId(value: Buffer, kafkaTimestamp: string): string {
  return (
    'kafka-' +
    createHash('sha256').update(kafkaTimestamp).update('\n').update(value).digest('hex').slice(0, 32)
  );
}

/** The record as a JSON object, or undefined; bytes that are not UTF-8 are refused, not mangled. */
function parseObject(value: Buffer): Record<string, unknown> | undefined {
  if (!isUtf8(value)) return undefined;
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
