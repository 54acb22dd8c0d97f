import { isUtf8 } from 'node:buffer';
import { checkJsonTree, isPlainObject } from './json-tree.js';
import { LIMITS } from './limits.js';
import { describe, invalid, type Problem, type Validated } from './problems.js';
import type { StoredEvent } from './stored-event.js';
import { parseTimestamp } from './timestamps.js';
import { type EventType, isEventType, type JsonObject } from './types.js';

/**
 * Reads a Kafka message value written by encodeStoredEvent and checks the envelope strictly: every
 * field present with its type, v === 1, a known type, parseable timestamps, JSON objects no deeper than
 * the collector allows. Unknown fields are ignored (a newer producer may add some). Never throws,
 * whatever the bytes: a poison message must become a problem for the DLQ, not a crashed consumer.
 */
export function decodeStoredEvent(value: Buffer | string): Validated<StoredEvent> {
  try {
    return decode(value);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return invalid([
      { path: '', code: 'format', reason: `must be a stored event, reading it failed: ${message}` },
    ]);
  }
}

function decode(value: Buffer | string): Validated<StoredEvent> {
  let text: string;
  if (typeof value === 'string') {
    text = value;
  } else if (value instanceof Uint8Array) {
    if (!isUtf8(value)) return invalid([{ path: '', code: 'format', reason: 'must be UTF-8 encoded JSON' }]);
    text = Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('utf8');
  } else {
    return invalid([
      { path: '', code: 'type', reason: `must be a Buffer or a string, got ${describe(value)}` },
    ]);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return invalid([{ path: '', code: 'format', reason: `must be valid JSON: ${message}` }]);
  }
  if (!isPlainObject(parsed)) {
    return invalid([{ path: '', code: 'type', reason: `must be a JSON object, got ${describe(parsed)}` }]);
  }
  return checkStoredEvent(parsed);
}

function checkStoredEvent(input: Record<string, unknown>): Validated<StoredEvent> {
  const problems: Problem[] = [];
  if (input['v'] !== 1) {
    const v = input['v'];
    problems.push({
      path: 'v',
      code: v === undefined ? 'required' : 'out_of_range',
      reason: `must be 1 (the only schema version), got ${describe(v)}`,
    });
  }
  const record: StoredEvent = {
    v: 1,
    message_id: text(input, 'message_id', problems),
    type: eventType(input, problems),
    event: text(input, 'event', problems),
    user_id: text(input, 'user_id', problems),
    anonymous_id: text(input, 'anonymous_id', problems),
    user_key: text(input, 'user_key', problems),
    timestamp: timestamp(input, 'timestamp', false, problems) ?? '',
    original_timestamp: timestamp(input, 'original_timestamp', true, problems),
    sent_at: timestamp(input, 'sent_at', true, problems),
    received_at: timestamp(input, 'received_at', false, problems) ?? '',
    source_id: text(input, 'source_id', problems),
    name: text(input, 'name', problems),
    category: text(input, 'category', problems),
    group_id: text(input, 'group_id', problems),
    previous_id: text(input, 'previous_id', problems),
    properties: object(input, 'properties', LIMITS.maxDepth, problems),
    traits: object(input, 'traits', LIMITS.maxDepth, problems),
    context: object(input, 'context', LIMITS.maxDepth, problems),
    integrations: object(input, 'integrations', LIMITS.maxDepth, problems),
    // extra holds whole top-level fields, so it is one level deeper (see collectExtra in validate.ts).
    extra: object(input, 'extra', LIMITS.maxDepth + 1, problems),
  };
  return problems.length > 0 ? invalid(problems) : { ok: true, value: record };
}

function missingOr(value: unknown, path: string, expected: string, problems: Problem[]): void {
  problems.push(
    value === undefined
      ? { path, code: 'required', reason: `is required: ${expected}` }
      : { path, code: 'type', reason: `must be ${expected}, got ${describe(value)}` },
  );
}

function text(input: Record<string, unknown>, key: string, problems: Problem[]): string {
  const value = input[key];
  if (typeof value === 'string') return value;
  missingOr(value, key, 'a string', problems);
  return '';
}

function eventType(input: Record<string, unknown>, problems: Problem[]): EventType {
  const value = input['type'];
  if (typeof value === 'string' && isEventType(value)) return value;
  if (typeof value === 'string') {
    problems.push({
      path: 'type',
      code: 'unknown_type',
      reason: `must be an event type, got ${describe(value)}`,
    });
  } else {
    missingOr(value, 'type', 'an event type string', problems);
  }
  return 'track';
}

function timestamp(
  input: Record<string, unknown>,
  key: string,
  nullable: boolean,
  problems: Problem[],
): string | null {
  const value = input[key];
  if (typeof value === 'string') {
    if (!Number.isNaN(parseTimestamp(value))) return value;
    problems.push({
      path: key,
      code: 'format',
      reason: `must be an ISO 8601 date-time, got ${describe(value)}`,
    });
    return null;
  }
  if (value === null && nullable) return null;
  missingOr(
    value,
    key,
    nullable ? 'an ISO 8601 date-time string or null' : 'an ISO 8601 date-time string',
    problems,
  );
  return null;
}

function object(
  input: Record<string, unknown>,
  key: string,
  maxDepth: number,
  problems: Problem[],
): JsonObject {
  const value = input[key];
  if (isPlainObject(value)) {
    checkJsonTree(value, maxDepth, key, problems);
    return value as JsonObject;
  }
  missingOr(value, key, 'an object', problems);
  return {};
}
