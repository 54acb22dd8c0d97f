import { isUtf8 } from 'node:buffer';
import { createHash } from 'node:crypto';
import {
  decodeStoredEvent,
  encodeStoredEvent,
  type Problem,
  splitRecord,
  toStoredEvent,
  validateEvent,
} from '@pulse/events';

/** What ingest does with one event of a Kafka record; expected outcomes are values, not exceptions. */
export type Classified =
  | {
      kind: 'row';
      line: number;
      messageId: string;
      row: string;
      /** The person and the collector's receive time: what regulations are checked against. */
      userKey: string;
      receivedAt: string;
    }
  | {
      kind: 'dead_letter';
      /** Line of the record (0 when the whole record is refused). */
      line: number;
      reasonCode: string;
      problems: Problem[];
      /** The refused line; undefined when the whole record is refused (its bytes are kept instead). */
      text?: string;
      /** The event's messageId when the line carries one: logs about the dead letter name it. */
      messageId?: string;
    };

/**
 * Splits a record into its events (one per line, see splitRecord) and
 * accepts the collector's stored events as they are: each line becomes a
 * ClickHouse row with no re-serialisation. Raw Segment events that other
 * producers wrote straight to the topic are normalised; the rest is refused
 * with every reason, line by line, so one bad line does not take its
 * neighbours with it.
 */
export function classifyRecord(value: Buffer | null, kafkaTimestamp: string): Classified[] {
  if (value === null || value.length === 0) {
    return [
      { kind: 'dead_letter', line: 0, reasonCode: 'empty_value', problems: [problem('record has no value')] },
    ];
  }
  // Bytes that are not UTF-8 are refused whole, not mangled into U+FFFD.
  if (!isUtf8(value)) {
    return [
      {
        kind: 'dead_letter',
        line: 0,
        reasonCode: 'invalid_event',
        problems: [problem('record is not valid UTF-8')],
      },
    ];
  }
  const lines = splitRecord(value.toString('utf8'));
  if (lines.length === 0) {
    return [
      {
        kind: 'dead_letter',
        line: 0,
        reasonCode: 'empty_value',
        problems: [problem('record has no events')],
      },
    ];
  }
  const results = lines.map((text, line) => classifyLine(text, line, kafkaTimestamp));
  // A producer may write one pretty-printed event: read the record whole
  // before refusing its lines.
  if (lines.length > 1 && results.some((r) => r.kind === 'dead_letter')) {
    const whole = classifyLine(value.toString('utf8'), 0, kafkaTimestamp);
    if (whole.kind === 'row') return [whole];
  }
  return results;
}

function classifyLine(text: string, line: number, kafkaTimestamp: string): Classified {
  const stored = decodeStoredEvent(text);
  if (stored.ok) {
    const { message_id: messageId, user_key: userKey, received_at: receivedAt } = stored.value;
    return { kind: 'row', line, messageId, row: text, userKey, receivedAt };
  }

  const raw = parseObject(text);
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
        generateId: () => recordId(text, line, kafkaTimestamp),
      });
      return {
        kind: 'row',
        line,
        messageId: event.message_id,
        row: encodeStoredEvent(event),
        userKey: event.user_key,
        receivedAt: event.received_at,
      };
    }
    return {
      kind: 'dead_letter',
      line,
      reasonCode: 'invalid_event',
      problems: segment.problems,
      text,
      ...idOf(raw),
    };
  }
  return {
    kind: 'dead_letter',
    line,
    reasonCode: 'invalid_event',
    problems: stored.problems,
    text,
    ...idOf(raw),
  };
}

/** The messageId of a refused line (a stored event's message_id or a Segment event's messageId), if it has one. */
function idOf(raw: Record<string, unknown> | undefined): { messageId?: string } {
  const id = raw?.['message_id'] ?? raw?.['messageId'];
  return typeof id === 'string' && id.length > 0 ? { messageId: id } : {};
}

/** A stable id for an event: the same line of the same record at the same Kafka timestamp is the same event. */
function recordId(text: string, line: number, kafkaTimestamp: string): string {
  return (
    'kafka-' +
    createHash('sha256').update(`${kafkaTimestamp}\n${line}\n`).update(text).digest('hex').slice(0, 32)
  );
}

/** The line as a JSON object, or undefined. */
function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
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
