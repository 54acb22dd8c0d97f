import { describe, expect, it } from 'vitest';
import { decodeStoredEvent } from './decode-stored-event.js';
import type { Problem } from './problems.js';
import { encodeStoredEvent, type StoredEvent } from './stored-event.js';

const STORED: StoredEvent = {
  v: 1,
  message_id: 'm-1',
  type: 'track',
  event: 'Signed Up',
  user_id: 'u',
  anonymous_id: '',
  user_key: 'u',
  timestamp: '2011-12-09T12:49:50.000Z',
  original_timestamp: null,
  sent_at: null,
  received_at: '2011-12-09T12:50:00.000Z',
  source_id: 'src-1',
  name: '',
  category: '',
  group_id: '',
  previous_id: '',
  properties: { plan: 'pro' },
  traits: {},
  context: {},
  integrations: {},
  extra: {},
};

function problemsOf(value: Buffer | string): Problem[] {
  const result = decodeStoredEvent(value);
  if (result.ok) throw new Error('expected problems');
  return result.problems;
}

function withFields(fields: Record<string, unknown>): string {
  return JSON.stringify({ ...STORED, ...fields });
}

describe('decodeStoredEvent', () => {
  it('decodes a stored event, ignoring fields it does not know', () => {
    expect(decodeStoredEvent(withFields({ future_field: 1 }))).toStrictEqual({ ok: true, value: STORED });
  });

  it('rejects invalid JSON', () => {
    const [problem] = problemsOf('{"v":1,');
    expect(problem?.path).toBe('');
    expect(problem?.code).toBe('format');
    expect(problem?.reason).toMatch(/^must be valid JSON: /);
    expect(problemsOf('')[0]?.code).toBe('format');
  });

  it('rejects bytes that are not UTF-8', () => {
    expect(problemsOf(Buffer.from([0xff, 0xfe, 0x7b, 0x7d]))).toEqual([
      { path: '', code: 'format', reason: 'must be UTF-8 encoded JSON' },
    ]);
    const encoded = Buffer.from(encodeStoredEvent(STORED));
    const corrupt = Buffer.concat([encoded.subarray(0, 20), Buffer.from([0xc3]), encoded.subarray(20)]);
    expect(problemsOf(corrupt)[0]?.reason).toBe('must be UTF-8 encoded JSON');
  });

  it('reads a Buffer that is a slice of a larger one', () => {
    const pool = Buffer.from('xxxx' + encodeStoredEvent(STORED) + 'yyyy');
    expect(decodeStoredEvent(pool.subarray(4, pool.length - 4))).toStrictEqual({ ok: true, value: STORED });
  });

  it.each(['[]', 'null', '"x"', '1', 'true'])('rejects %s as a whole', (text) => {
    expect(problemsOf(text)).toEqual([
      { path: '', code: 'type', reason: expect.stringMatching(/^must be a JSON object, got /) },
    ]);
  });

  it('reports every missing field', () => {
    const problems = problemsOf('{}');
    expect(problems.map((p) => p.path)).toEqual([
      'v',
      'message_id',
      'type',
      'event',
      'user_id',
      'anonymous_id',
      'user_key',
      'timestamp',
      'original_timestamp',
      'sent_at',
      'received_at',
      'source_id',
      'name',
      'category',
      'group_id',
      'previous_id',
      'properties',
      'traits',
      'context',
      'integrations',
      'extra',
    ]);
    expect(new Set(problems.map((p) => p.code))).toEqual(new Set(['required']));
  });

  it('checks the version', () => {
    expect(problemsOf(withFields({ v: 2 }))).toEqual([
      { path: 'v', code: 'out_of_range', reason: 'must be 1 (the only schema version), got number 2' },
    ]);
    expect(problemsOf(withFields({ v: '1' }))[0]?.code).toBe('out_of_range');
  });

  it('checks field types', () => {
    const problems = problemsOf(
      withFields({
        type: 'purchase',
        message_id: 5,
        user_key: null,
        properties: [],
        extra: null,
        sent_at: 3,
        original_timestamp: 'yesterday',
        received_at: null,
      }),
    );
    expect(problems.map((p) => [p.path, p.code])).toEqual([
      ['message_id', 'type'],
      ['type', 'unknown_type'],
      ['user_key', 'type'],
      ['original_timestamp', 'format'],
      ['sent_at', 'type'],
      ['received_at', 'type'],
      ['properties', 'type'],
      ['extra', 'type'],
    ]);
  });

  it('accepts null for nullable timestamps, but parses them when present', () => {
    const value = withFields({
      original_timestamp: '2011-12-09T12:49:00.000Z',
      sent_at: '2011-12-09T12:49:10.000Z',
    });
    expect(decodeStoredEvent(value).ok).toBe(true);
    expect(problemsOf(withFields({ timestamp: '2011-13-45T00:00:00.000Z' }))[0]?.path).toBe('timestamp');
  });

  it('survives deep nesting without throwing', () => {
    expect(problemsOf('['.repeat(100_000))[0]?.code).toBe('format');
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    expect(problemsOf(deep)[0]?.code).toBe('type');
    const nested = withFields({}).replace('"properties":{"plan":"pro"}', `"properties":{"a":${deep}}`);
    expect(problemsOf(nested)).toEqual([
      {
        path: 'properties.a' + '[0]'.repeat(31),
        code: 'too_deep',
        reason: 'must not nest objects or arrays deeper than 32 levels',
      },
    ]);
  });

  it('rejects arguments that are neither strings nor Buffers', () => {
    expect(problemsOf(42 as unknown as string)[0]?.code).toBe('type');
    expect(problemsOf(undefined as unknown as string)[0]?.code).toBe('type');
  });

  it('reads a Uint8Array too', () => {
    const bytes = new TextEncoder().encode(encodeStoredEvent(STORED));
    expect(decodeStoredEvent(bytes as Buffer)).toStrictEqual({ ok: true, value: STORED });
  });
});
