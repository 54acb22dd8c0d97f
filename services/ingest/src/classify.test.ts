import { decodeStoredEvent, type StoredEvent, toStoredEvent, validateEvent } from '@pulse/events';
import { describe, expect, it } from 'vitest';
import { classifyRecord } from './classify.js';

const RECEIVED_AT = new Date('2024-05-01T10:00:01.000Z');
const KAFKA_TIMESTAMP = String(RECEIVED_AT.getTime());

function segmentCall(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'track',
    event: 'Signed Up',
    messageId: 'm-1',
    userId: 'user-1',
    timestamp: '2024-05-01T10:00:00.000Z',
    properties: { plan: 'pro', seats: 3 },
    ...overrides,
  };
}

function storedEvent(overrides: Record<string, unknown> = {}): StoredEvent {
  const validated = validateEvent(segmentCall(overrides), { receivedAt: RECEIVED_AT });
  if (!validated.ok) throw new Error(JSON.stringify(validated.problems));
  return toStoredEvent(validated.value, { receivedAt: RECEIVED_AT, sourceId: 'web' });
}

/** The classification of a record that holds one event. */
function one(value: Buffer | null, kafkaTimestamp = KAFKA_TIMESTAMP) {
  const results = classifyRecord(value, kafkaTimestamp);
  expect(results).toHaveLength(1);
  return results[0]!;
}

function deadLetter(value: Buffer | null) {
  const result = one(value);
  if (result.kind !== 'dead_letter') throw new Error(`expected a dead letter, got ${JSON.stringify(result)}`);
  return result;
}

describe('classifyRecord', () => {
  it('passes a stored event through with its exact bytes as the row', () => {
    // Spacing the encoder would not produce: the row must still be these bytes, not a re-encoding.
    const bytes = JSON.stringify(storedEvent(), null, 2);
    const result = one(Buffer.from(bytes));
    expect(result).toEqual({
      kind: 'row',
      line: 0,
      messageId: 'm-1',
      row: bytes,
      userKey: 'user-1',
      receivedAt: '2024-05-01T10:00:01.000Z',
    });
  });

  it('normalises a raw Segment event into a stored event', () => {
    const result = one(Buffer.from(JSON.stringify(segmentCall())));
    expect(result.kind).toBe('row');
    if (result.kind !== 'row') return;
    expect(result.messageId).toBe('m-1');
    const decoded = decodeStoredEvent(result.row);
    expect(decoded.ok).toBe(true);
    if (!decoded.ok) return;
    expect(decoded.value).toMatchObject({
      message_id: 'm-1',
      type: 'track',
      event: 'Signed Up',
      user_key: 'user-1',
      timestamp: '2024-05-01T10:00:00.000Z',
      received_at: RECEIVED_AT.toISOString(),
      source_id: 'kafka',
      properties: { plan: 'pro', seats: 3 },
    });
  });

  it('gives a raw event without messageId the same id each time the record is read', () => {
    const bytes = Buffer.from(JSON.stringify(segmentCall({ messageId: undefined })));
    const first = one(bytes);
    const again = one(bytes);
    const later = one(bytes, String(RECEIVED_AT.getTime() + 1));
    if (first.kind !== 'row' || again.kind !== 'row' || later.kind !== 'row')
      throw new Error('expected rows');
    expect(first.messageId).toMatch(/^kafka-[0-9a-f]{32}$/);
    expect(again.messageId).toBe(first.messageId);
    expect(later.messageId).not.toBe(first.messageId);
  });

  it('normalises a raw event even when the Kafka timestamp is unreadable', () => {
    const result = one(Buffer.from(JSON.stringify(segmentCall())), 'not-a-number');
    expect(result.kind).toBe('row');
  });

  it('dead-letters a record without a value', () => {
    expect(deadLetter(null)).toMatchObject({ reasonCode: 'empty_value', problems: [{ path: '' }] });
    expect(deadLetter(Buffer.alloc(0)).reasonCode).toBe('empty_value');
  });

  it('dead-letters invalid JSON', () => {
    const result = deadLetter(Buffer.from('{"type": "track", '));
    expect(result.reasonCode).toBe('invalid_event');
    expect(result.problems).toEqual([
      expect.objectContaining({ code: 'format', reason: expect.stringMatching(/JSON/) }),
    ]);
  });

  it('dead-letters bytes that are not UTF-8, even when they would parse as a Segment event', () => {
    const json = Buffer.from(JSON.stringify(segmentCall({ event: 'XX' })));
    const at = json.indexOf('XX');
    json[at] = 0xff;
    json[at + 1] = 0xfe;
    const result = deadLetter(json);
    expect(result.reasonCode).toBe('invalid_event');
    expect(result.problems).toEqual([expect.objectContaining({ reason: expect.stringMatching(/UTF-8/) })]);
  });

  it('dead-letters JSON that is not an object', () => {
    for (const text of ['[1,2,3]', '"text"', '42', 'null']) {
      const result = deadLetter(Buffer.from(text));
      expect(result.reasonCode).toBe('invalid_event');
      expect(result.problems[0]).toMatchObject({ path: '', code: 'type' });
    }
  });

  it('dead-letters a stored event with wrong-typed fields, naming each one', () => {
    const event = { ...storedEvent(), user_key: 42, properties: 'not an object', timestamp: 'yesterday' };
    const result = deadLetter(Buffer.from(JSON.stringify(event)));
    expect(result.reasonCode).toBe('invalid_event');
    expect(result.problems.map((p) => [p.path, p.code])).toEqual(
      expect.arrayContaining([
        ['user_key', 'type'],
        ['properties', 'type'],
        ['timestamp', 'format'],
      ]),
    );
  });

  it('dead-letters a stored event missing fields', () => {
    const result = deadLetter(Buffer.from(JSON.stringify({ v: 1, message_id: 'm-2' })));
    expect(result.problems).toEqual(
      expect.arrayContaining([expect.objectContaining({ path: 'user_key', code: 'required' })]),
    );
  });

  it('dead-letters an unknown type, stored or raw', () => {
    const stored = deadLetter(Buffer.from(JSON.stringify({ ...storedEvent(), type: 'purchase' })));
    expect(stored.problems).toEqual([expect.objectContaining({ path: 'type', code: 'unknown_type' })]);
    const raw = deadLetter(Buffer.from(JSON.stringify(segmentCall({ type: 'purchase' }))));
    expect(raw.reasonCode).toBe('invalid_event');
    expect(raw.problems).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'type' })]));
  });

  it('dead-letters a raw Segment event the validator refuses, with its reasons', () => {
    const result = deadLetter(
      Buffer.from(JSON.stringify(segmentCall({ userId: undefined, properties: [] }))),
    );
    expect(result.reasonCode).toBe('invalid_event');
    expect(result.problems.map((p) => p.path)).toEqual(expect.arrayContaining(['', 'properties']));
  });

  it("names a refused event's messageId, stored or raw, for the logs", () => {
    const stored = deadLetter(Buffer.from(JSON.stringify({ v: 1, message_id: 'm-stored' })));
    expect(stored.messageId).toBe('m-stored');
    const raw = deadLetter(
      Buffer.from(JSON.stringify(segmentCall({ messageId: 'm-raw', type: 'purchase' }))),
    );
    expect(raw.messageId).toBe('m-raw');
    expect(deadLetter(Buffer.from('{"not":"an event"}')).messageId).toBeUndefined();
    expect(deadLetter(Buffer.from('not json')).messageId).toBeUndefined();
  });

  it('splits a record into its lines and refuses only the bad one, with its own text', () => {
    const lines = [
      JSON.stringify(storedEvent({ messageId: 'a' })),
      '{"not":"an event"}',
      JSON.stringify(storedEvent({ messageId: 'c' })),
    ];
    const results = classifyRecord(Buffer.from(lines.join('\n')), KAFKA_TIMESTAMP);
    expect(results.map((r) => [r.kind, r.line])).toEqual([
      ['row', 0],
      ['dead_letter', 1],
      ['row', 2],
    ]);
    expect(results[0]).toMatchObject({ messageId: 'a', row: lines[0] });
    expect(results[1]).toMatchObject({ reasonCode: 'invalid_event', text: lines[1] });
  });
});
