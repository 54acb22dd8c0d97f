import type { Problem } from '@pulse/events';
import { describe, expect, it } from 'vitest';
import { type DeadLetter, deadLetterMessage, MAX_DEAD_LETTER_BYTES } from './dead-letter.js';

const base = {
  reasonCode: 'invalid_event',
  problems: [{ path: '', code: 'format', reason: 'must be valid JSON' }] as Problem[],
  topic: 'pulse.events',
  partition: 3,
  offset: '42',
  timestamp: '1700000000000',
  service: 'ingest',
  now: new Date(Date.UTC(2024, 0, 1)),
};

function letter(
  value: Buffer | null,
  key: Buffer | null = Buffer.from('user-1'),
  problems: Problem[] = base.problems,
) {
  const message = deadLetterMessage({ ...base, problems, key, value });
  const json = String(message.value);
  return {
    record: JSON.parse(json) as DeadLetter,
    bytes: (message.key ? Buffer.byteLength(message.key) : 0) + Buffer.byteLength(json),
    key: message.key,
  };
}

describe('deadLetterMessage', () => {
  it('carries a small record whole, as text or base64', () => {
    expect(letter(Buffer.from('{"type": ')).record).toMatchObject({
      reason_code: 'invalid_event',
      reason: 'must be valid JSON',
      source: { topic: 'pulse.events', partition: 3, offset: '42', line: 0, key: 'user-1' },
      value: '{"type": ',
      value_base64: null,
      value_bytes: 9,
      value_truncated: false,
    });
    const binary = Buffer.from([0x7b, 0xff, 0xfe]);
    expect(letter(binary).record).toMatchObject({ value: null, value_base64: binary.toString('base64') });
  });

  it('stays under the broker limit when escaping makes a record as large as Kafka allows grow', () => {
    // 1 MB of quotes and backslashes doubles once escaped; control characters grow sixfold.
    for (const unit of ['"\\', '\u0001', 'é"']) {
      const value = Buffer.from(unit.repeat(Math.floor(1_000_000 / Buffer.byteLength(unit))));
      const { record, bytes } = letter(value);
      expect(bytes).toBeLessThanOrEqual(MAX_DEAD_LETTER_BYTES);
      expect(record.value_truncated).toBe(true);
      expect(record.value_bytes).toBe(value.length);
      expect(value.toString('utf8').startsWith(record.value!)).toBe(true);
      // Truncated no more than needed: the value takes most of the room.
      expect(bytes).toBeGreaterThan(MAX_DEAD_LETTER_BYTES - 64);
    }
  });

  it('truncates base64 at whole groups, and bounds the problems and the key copy', () => {
    const binary = Buffer.alloc(1_000_000, 0xff);
    const { record, bytes } = letter(binary);
    expect(bytes).toBeLessThanOrEqual(MAX_DEAD_LETTER_BYTES);
    expect(record.value_base64!.length % 4).toBe(0);
    expect(binary.toString('base64').startsWith(record.value_base64!)).toBe(true);

    const problems = Array.from({ length: 20_000 }, (_, i) => ({
      path: `properties.products[${i}].price`,
      code: 'type' as const,
      reason: 'must be a number, got string "x"',
    }));
    const key = Buffer.from('k'.repeat(300_000));
    const many = letter(Buffer.from('x'.repeat(500_000)), key, problems);
    expect(many.bytes).toBeLessThanOrEqual(MAX_DEAD_LETTER_BYTES);
    expect(many.key).toEqual(key);
    expect(many.record.problems).toHaveLength(101);
    expect(many.record.problems.at(-1)?.reason).toBe('and 19900 more problems');
    expect(many.record.source.key).toHaveLength(1024);
  });

  it('never cuts a surrogate pair in two', () => {
    const value = Buffer.from('😀'.repeat(300_000));
    const { record } = letter(value);
    expect(record.value_truncated).toBe(true);
    expect(record.value!.length % 2).toBe(0);
    expect(Buffer.from(record.value!, 'utf8').toString('utf8')).toBe(record.value);
  });
});
