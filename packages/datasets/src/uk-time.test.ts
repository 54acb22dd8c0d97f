import { describe, expect, it } from 'vitest';
import { parseUkDateTime, ukWallClockToUtcMs } from './uk-time.js';

const iso = (text: string): string | undefined => parseUkDateTime(text)?.toISOString();

describe('parseUkDateTime', () => {
  it('reads winter times as GMT and summer times as BST', () => {
    expect(iso('2011-01-10 10:00:00')).toBe('2011-01-10T10:00:00.000Z');
    expect(iso('2011-07-01 10:00:00')).toBe('2011-07-01T09:00:00.000Z');
    expect(iso('2010-12-01 08:26:00')).toBe('2010-12-01T08:26:00.000Z');
  });

  it('switches to BST at 01:00 GMT on 2011-03-27', () => {
    expect(iso('2011-03-27 00:59:59')).toBe('2011-03-27T00:59:59.000Z');
    expect(iso('2011-03-27 02:00:00')).toBe('2011-03-27T01:00:00.000Z');
    // The shop's first sale of that Sunday in the data.
    expect(iso('2011-03-27 10:16:00')).toBe('2011-03-27T09:16:00.000Z');
    // 01:30 never happened on the clock; read as GMT, like Temporal's 'compatible'.
    expect(iso('2011-03-27 01:30:00')).toBe('2011-03-27T01:30:00.000Z');
    expect(iso('2011-03-26 10:00:00')).toBe('2011-03-26T10:00:00.000Z');
  });

  it('switches back to GMT at 01:00 GMT on 2011-10-30', () => {
    expect(iso('2011-10-30 00:30:00')).toBe('2011-10-29T23:30:00.000Z');
    // 01:30 happened twice; the first (BST) one is taken.
    expect(iso('2011-10-30 01:30:00')).toBe('2011-10-30T00:30:00.000Z');
    expect(iso('2011-10-30 02:00:00')).toBe('2011-10-30T02:00:00.000Z');
    expect(iso('2011-10-30 10:00:00')).toBe('2011-10-30T10:00:00.000Z');
    expect(iso('2011-10-29 10:00:00')).toBe('2011-10-29T09:00:00.000Z');
  });

  it('reads the Excel export layout and times without seconds', () => {
    expect(iso('12/1/2010 8:26')).toBe('2010-12-01T08:26:00.000Z');
    expect(iso('7/1/2011 10:00')).toBe('2011-07-01T09:00:00.000Z');
    expect(iso('2011-07-01 10:00')).toBe('2011-07-01T09:00:00.000Z');
  });

  it('returns null for text that is not a real date and time', () => {
    for (const text of [
      '',
      'yesterday',
      '2011-02-29 10:00:00',
      '2011-13-01 10:00:00',
      '2011-01-01 24:00:00',
      '2011-1-1',
    ]) {
      expect(parseUkDateTime(text), text).toBeNull();
    }
    expect(iso('2012-02-29 12:00:00')).toBe('2012-02-29T12:00:00.000Z');
  });
});

describe('ukWallClockToUtcMs', () => {
  // Cross-check against the ICU time-zone database for every hour of the data's years.
  it('agrees with Intl Europe/London for every UTC hour of 2010-2012', () => {
    const london = new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Europe/London',
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    const mismatches: string[] = [];
    const end = Date.UTC(2013, 0, 1);
    for (let utc = Date.UTC(2010, 0, 1); utc < end; utc += 3_600_000) {
      const parts = london.formatToParts(utc);
      const part = (type: Intl.DateTimeFormatPartTypes): number =>
        Number(parts.find((p) => p.type === type)?.value);
      const back = ukWallClockToUtcMs(
        part('year'),
        part('month'),
        part('day'),
        part('hour'),
        part('minute'),
        0,
      );
      // The repeated October hour maps back to its first occurrence, one hour earlier.
      if (back !== utc && back !== utc - 3_600_000) mismatches.push(new Date(utc).toISOString());
      if (back === utc - 3_600_000 && part('hour') !== 1) mismatches.push(new Date(utc).toISOString());
    }
    expect(mismatches).toEqual([]);
  });
});
