/**
 * UK wall-clock time to UTC without a time-zone library. Since 1996 the UK follows the EU rule:
 * summer time (BST, UTC+1) from the last Sunday of March 01:00 UTC to the last Sunday of October
 * 01:00 UTC; GMT (UTC+0) otherwise. Earlier years used other rules and are not supported.
 */

const HOUR_MS = 3_600_000;

/** 01:00 UTC on the last Sunday of `month` (0-based) in `year`. */
function lastSundayOneAmUtc(year: number, month: number): number {
  const lastDay = new Date(Date.UTC(year, month + 1, 0));
  const day = lastDay.getUTCDate() - lastDay.getUTCDay();
  return Date.UTC(year, month, day, 1);
}

/** Summer time bounds per year, computed once: the retail file alone asks half a million times. */
const summerBounds = new Map<number, readonly [start: number, end: number]>();

function summerOf(year: number): readonly [number, number] {
  let bounds = summerBounds.get(year);
  if (!bounds) {
    bounds = [lastSundayOneAmUtc(year, 2), lastSundayOneAmUtc(year, 9)];
    summerBounds.set(year, bounds);
  }
  return bounds;
}

/**
 * The UTC instant (ms) of a UK wall-clock time. Wall-clock times that happen twice (01:00-01:59 on
 * the last Sunday of October) resolve to the first, BST, occurrence; times that never happen
 * (01:00-01:59 on the last Sunday of March) are read as GMT, i.e. moved forward one hour. That is
 * what `Temporal`'s default 'compatible' disambiguation does.
 */
export function ukWallClockToUtcMs(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
): number {
  const asIfUtc = Date.UTC(year, month - 1, day, hour, minute, second);
  const ifSummer = asIfUtc - HOUR_MS;
  const [start, end] = summerOf(year);
  return ifSummer >= start && ifSummer < end ? ifSummer : asIfUtc;
}

const ISO_LIKE = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?$/;
/** The layout of the same data set when exported from the original Excel file: `12/1/2010 8:26`. */
const US_EXCEL = /^(\d{1,2})\/(\d{1,2})\/(\d{4}) (\d{1,2}):(\d{2})(?::(\d{2}))?$/;

/**
 * Parses `YYYY-MM-DD HH:MM[:SS]` (or the Excel export's `M/D/YYYY H:MM`) as UK wall-clock time.
 * Returns null for anything else, including impossible dates such as 2011-02-30.
 */
export function parseUkDateTime(text: string): Date | null {
  const ms = parseUkDateTimeMs(text);
  return Number.isNaN(ms) ? null : new Date(ms);
}

/** parseUkDateTime as a number, NaN when unreadable: no Date allocated for the checks. */
export function parseUkDateTimeMs(text: string): number {
  const iso = ISO_LIKE.exec(text);
  if (iso) return fromParts(iso[1], iso[2], iso[3], iso[4], iso[5], iso[6]);
  const us = US_EXCEL.exec(text);
  if (us) return fromParts(us[3], us[1], us[2], us[4], us[5], us[6]);
  return Number.NaN;
}

function fromParts(
  yearText = '',
  monthText = '',
  dayText = '',
  hourText = '',
  minuteText = '',
  secondText = '0',
): number {
  const year = Number(yearText);
  const month = Number(monthText);
  const day = Number(dayText);
  const hour = Number(hourText);
  const minute = Number(minuteText);
  const second = Number(secondText);
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return Number.NaN;
  // Date.UTC rolls 2011-02-30 over to March; reject instead of guessing.
  if (day > daysInMonth(year, month)) return Number.NaN;
  return ukWallClockToUtcMs(year, month, day, hour, minute, second);
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}
