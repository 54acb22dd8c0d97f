import { describe, expect, it } from 'vitest';
import { decodeStoredEvent } from './decode-stored-event.js';
import { generateId } from './id.js';
import { LIMITS } from './limits.js';
import { encodeStoredEvent, type StoredEvent, toStoredEvent } from './stored-event.js';
import { orderCompleted, RECEIVED_AT } from './test-fixtures.js';
import type { SegmentEvent } from './types.js';
import { validateEvent } from './validate.js';

const meta = { receivedAt: RECEIVED_AT, sourceId: 'src-1', generateId: () => 'pulse-generated' };

function validated(input: unknown): SegmentEvent {
  const result = validateEvent(input, { receivedAt: RECEIVED_AT });
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.value;
}

describe('toStoredEvent', () => {
  it('builds the full record of a track event', () => {
    const event = validated({
      type: 'track',
      messageId: 'm-1',
      userId: 42,
      anonymousId: 'a-1',
      event: 'Signed Up',
      timestamp: '2011-12-09T12:49:00.000Z',
      sentAt: '2011-12-09T12:49:10.000Z',
      properties: { plan: 'pro' },
      context: { ip: '8.8.8.8' },
      version: 2,
    });
    expect(toStoredEvent(event, meta)).toStrictEqual({
      v: 1,
      message_id: 'm-1',
      type: 'track',
      event: 'Signed Up',
      user_id: '42',
      anonymous_id: 'a-1',
      user_key: '42',
      timestamp: '2011-12-09T12:49:50.000Z',
      original_timestamp: '2011-12-09T12:49:00.000Z',
      sent_at: '2011-12-09T12:49:10.000Z',
      received_at: '2011-12-09T12:50:00.000Z',
      source_id: 'src-1',
      name: '',
      category: '',
      group_id: '',
      previous_id: '',
      properties: { plan: 'pro' },
      traits: {},
      context: { ip: '8.8.8.8' },
      integrations: {},
      extra: { version: 2 },
    });
  });

  it('fills absent fields with empty values and keys by anonymousId without userId', () => {
    const stored = toStoredEvent(validated({ type: 'page', anonymousId: 'a-1', name: 'Home' }), meta);
    expect(stored).toMatchObject({
      message_id: 'pulse-generated',
      event: '',
      user_id: '',
      anonymous_id: 'a-1',
      user_key: 'a-1',
      name: 'Home',
      timestamp: '2011-12-09T12:50:00.000Z',
      original_timestamp: null,
      sent_at: null,
      properties: {},
      traits: {},
      context: {},
      integrations: {},
      extra: {},
    });
  });

  it('stores group and alias ids', () => {
    expect(toStoredEvent(validated({ type: 'group', userId: 'u', groupId: 7 }), meta).group_id).toBe('7');
    expect(toStoredEvent(validated({ type: 'alias', userId: 'u', previousId: 'a' }), meta).previous_id).toBe(
      'a',
    );
  });

  it('never stores an event name for types other than track', () => {
    const stored = toStoredEvent({ type: 'identify', userId: 'u', event: 'Stray' }, meta);
    expect(stored.event).toBe('');
  });

  it('uses the timestamp as is without sentAt, and receivedAt with sentAt alone', () => {
    const alone = toStoredEvent(
      validated({ type: 'identify', userId: 'u', timestamp: '2011-12-01T00:00:00Z' }),
      meta,
    );
    expect(alone.timestamp).toBe('2011-12-01T00:00:00.000Z');
    expect(alone.original_timestamp).toBe('2011-12-01T00:00:00.000Z');
    const sentOnly = toStoredEvent(
      validated({ type: 'identify', userId: 'u', sentAt: '2011-12-01T00:00:00Z' }),
      meta,
    );
    expect(sentOnly.timestamp).toBe('2011-12-09T12:50:00.000Z');
    expect(sentOnly.sent_at).toBe('2011-12-01T00:00:00.000Z');
  });

  it('generates "pulse-" ids by default', () => {
    const stored = toStoredEvent(validated({ type: 'identify', userId: 'u' }), {
      receivedAt: RECEIVED_AT,
      sourceId: 's',
    });
    expect(stored.message_id).toMatch(
      /^pulse-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(generateId()).not.toBe(generateId());
  });
});

describe('encodeStoredEvent and decodeStoredEvent', () => {
  it('round-trip a stored event exactly', () => {
    const stored = toStoredEvent(validated(orderCompleted()), meta);
    const encoded = encodeStoredEvent(stored);
    expect(JSON.parse(encoded)).toStrictEqual(stored);
    for (const value of [encoded, Buffer.from(encoded)]) {
      const decoded = decodeStoredEvent(value);
      expect(decoded).toStrictEqual({ ok: true, value: stored });
    }
  });

  it('round-trip events of every type', () => {
    const inputs = [
      { type: 'identify', userId: 'u', traits: { a: [1, { b: null }] } },
      { type: 'page', anonymousId: 'a', name: 'n', category: 'c', sentAt: '2011-12-09T12:49:00Z' },
      { type: 'screen', anonymousId: 'a', name: 'n' },
      { type: 'group', userId: 'u', groupId: 'g' },
      { type: 'alias', userId: 'u', previousId: 'p', integrations: { All: false } },
      { type: 'track', userId: 'u', event: 'E', custom: { deep: [[['x']]] } },
    ];
    for (const input of inputs) {
      const stored: StoredEvent = toStoredEvent(validated(input), meta);
      expect(decodeStoredEvent(encodeStoredEvent(stored))).toStrictEqual({ ok: true, value: stored });
    }
  });

  it('keeps "__proto__" keys as data from the request body to the consumer', () => {
    const body = '{"type":"track","userId":"u","event":"E","properties":{"__proto__":{"polluted":1},"x":1}}';
    const stored = toStoredEvent(validated(JSON.parse(body)), meta);
    const encoded = encodeStoredEvent(stored);
    expect(encoded).toContain('"properties":{"__proto__":{"polluted":1},"x":1}');
    const decoded = decodeStoredEvent(encoded);
    if (!decoded.ok) throw new Error(JSON.stringify(decoded.problems));
    expect(Object.hasOwn(decoded.value.properties, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(decoded.value.properties)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(decoded.value).toStrictEqual(stored);
  });

  it('lets the collector measure the stored size against maxEventBytes', () => {
    const big = validated({
      type: 'track',
      userId: 'u',
      event: 'E',
      properties: { blob: 'é'.repeat(16_384) },
    });
    const bytes = Buffer.byteLength(encodeStoredEvent(toStoredEvent(big, meta)));
    expect(bytes).toBeGreaterThan(LIMITS.maxEventBytes);
  });
});

describe('LIMITS', () => {
  it('has the Segment limits and cannot be changed', () => {
    expect(LIMITS).toEqual({ maxEventBytes: 32768, maxBatchBytes: 512000, maxDepth: 32 });
    expect(Object.isFrozen(LIMITS)).toBe(true);
  });
});
