import { describe, expect, it } from 'vitest';
import {
  canonicalTimestamp,
  correctTimestamp,
  correctTimestampMs,
  formatTimestamp,
  parseTimestamp,
} from './timestamps.js';

describe('parseTimestamp', () => {
  it.each([
    ['2011-12-09T12:50:00.000Z', '2011-12-09T12:50:00.000Z'],
    ['2011-12-09T12:50:00Z', '2011-12-09T12:50:00.000Z'],
    ['2011-12-09T12:50Z', '2011-12-09T12:50:00.000Z'],
    ['2011-12-09', '2011-12-09T00:00:00.000Z'],
    ['2011-12-09T13:50:00+01:00', '2011-12-09T12:50:00.000Z'],
    ['2011-12-09T07:50:00-0500', '2011-12-09T12:50:00.000Z'],
    ['2011-12-09T14:50:00.250+02', '2011-12-09T12:50:00.250Z'],
    ['2011-12-10T00:20:00+11:30', '2011-12-09T12:50:00.000Z'],
    ['2011-12-09 12:50:00', '2011-12-09T12:50:00.000Z'],
    ['2011-12-09t12:50:00z', '2011-12-09T12:50:00.000Z'],
    ['2011-12-09T12:50:00.123456789Z', '2011-12-09T12:50:00.123Z'],
    ['2011-12-09T12:50:00.5Z', '2011-12-09T12:50:00.500Z'],
    ['2012-02-29T23:59:59.999Z', '2012-02-29T23:59:59.999Z'],
    ['2000-02-29T00:00:00Z', '2000-02-29T00:00:00.000Z'],
    ['1970-01-01T00:00:00Z', '1970-01-01T00:00:00.000Z'],
    ['1969-12-31T23:59:59.999Z', '1969-12-31T23:59:59.999Z'],
    ['0050-03-01T00:00:00Z', '0050-03-01T00:00:00.000Z'],
  ])('reads %s as %s', (text, iso) => {
    expect(parseTimestamp(text)).toBe(Date.parse(iso));
  });

  it('treats a missing zone as UTC, whatever the server zone', () => {
    expect(parseTimestamp('2011-12-09T12:50:00')).toBe(Date.UTC(2011, 11, 9, 12, 50));
  });

  it.each([
    'yesterday',
    '',
    '2011-13-45',
    '2011-13-01',
    '2011-00-10',
    '2011-12-00',
    '2011-02-29',
    '1900-02-29',
    '2011-04-31',
    '2011-12-9',
    '12/09/2011',
    '2011/12/09',
    'Fri, 09 Dec 2011 12:50:00 GMT',
    '2011-12-09T24:00:00Z',
    '2011-12-09T12:60:00Z',
    '2011-12-09T12:50:60Z',
    '2011-12-09T12Z',
    '2011-12-09T',
    '2011-12-09T12:50:00.Z',
    '2011-12-09T12:50.5Z',
    '2011-12-09T12:50:00Zjunk',
    '2011-12-09T12:50:00 Z',
    '2011-12-09T12:50:00+25:00',
    '2011-12-09T12:50:00+01:60',
    '2011-12-09T12:50:00+1',
    '2011-12-09T12:50:00+01:0',
    '2011-12-09Z',
    '+02011-12-09T12:50:00Z',
    '２０１１-12-09',
    '2011-12-09T12:50:00.000Z'.padEnd(41, '0'),
  ])('rejects %j', (text) => {
    expect(parseTimestamp(text)).toBeNaN();
  });
});

describe('formatTimestamp', () => {
  it('matches toISOString', () => {
    const samples = [0, -1, 1, Date.UTC(2011, 11, 9, 12, 50), Date.UTC(2000, 1, 29), -62_167_219_200_000];
    samples.push(253_402_300_799_999, Date.UTC(1600, 1, 29, 23, 59, 59, 999));
    let seed = 42;
    for (let i = 0; i < 2000; i++) {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      samples.push(Math.floor((seed / 2_147_483_648) * 4e14) - 2e14);
    }
    for (const ms of samples) expect(formatTimestamp(ms)).toBe(new Date(ms).toISOString());
  });

  it('falls back to toISOString outside four-digit years', () => {
    expect(formatTimestamp(Date.UTC(10000, 0, 1))).toBe('+010000-01-01T00:00:00.000Z');
  });
});

describe('canonicalTimestamp', () => {
  it('returns the text itself when it is already canonical', () => {
    const text = '2011-12-09T12:50:00.000Z';
    expect(canonicalTimestamp(text, parseTimestamp(text))).toBe(text);
  });

  it('formats anything else', () => {
    const text = '2011-12-09T13:50:00+01:00';
    expect(canonicalTimestamp(text, parseTimestamp(text))).toBe('2011-12-09T12:50:00.000Z');
  });
});

describe('correctTimestamp', () => {
  const at = (iso: string) => new Date(iso);

  it('shifts by the client clock offset when timestamp and sentAt are both given', () => {
    // Called at 12:00:00 and sent at 12:00:10 by the client clock, received at 12:05:00:
    // the clock is 4:50 behind, so the call happened at 12:04:50.
    const corrected = correctTimestamp({
      timestamp: at('2011-12-09T12:00:00.000Z'),
      sentAt: at('2011-12-09T12:00:10.000Z'),
      receivedAt: at('2011-12-09T12:05:00.000Z'),
    });
    expect(corrected.toISOString()).toBe('2011-12-09T12:04:50.000Z');
  });

  it('corrects a client clock that runs an hour ahead', () => {
    const corrected = correctTimestamp({
      timestamp: at('2011-12-09T13:00:00.000Z'),
      sentAt: at('2011-12-09T13:00:05.500Z'),
      receivedAt: at('2011-12-09T12:00:07.000Z'),
    });
    expect(corrected.toISOString()).toBe('2011-12-09T12:00:01.500Z');
  });

  it('keeps timestamp as is without sentAt', () => {
    const corrected = correctTimestamp({
      timestamp: at('2011-12-09T12:00:00.000Z'),
      receivedAt: at('2011-12-09T12:05:00.000Z'),
    });
    expect(corrected.toISOString()).toBe('2011-12-09T12:00:00.000Z');
  });

  it('uses receivedAt with sentAt alone, or nothing', () => {
    const receivedAt = at('2011-12-09T12:05:00.000Z');
    expect(correctTimestamp({ sentAt: at('2011-12-09T12:00:00.000Z'), receivedAt }).toISOString()).toBe(
      '2011-12-09T12:05:00.000Z',
    );
    expect(correctTimestamp({ receivedAt }).toISOString()).toBe('2011-12-09T12:05:00.000Z');
  });

  it('treats invalid Dates as absent', () => {
    const receivedAt = at('2011-12-09T12:05:00.000Z');
    expect(correctTimestamp({ timestamp: new Date(Number.NaN), receivedAt }).getTime()).toBe(
      receivedAt.getTime(),
    );
    expect(correctTimestampMs(1000, Number.NaN, 5000)).toBe(1000);
  });
});
