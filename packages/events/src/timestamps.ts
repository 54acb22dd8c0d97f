const MS_PER_MINUTE = 60_000;
const MS_PER_DAY = 86_400_000;
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Parses an ISO 8601 timestamp strictly, returning epoch ms or NaN. Accepted:
 * `YYYY-MM-DD`, optionally followed by `T` (or a space) `HH:MM[:SS[.fraction]]` and a zone
 * (`Z`, `±HH:MM`, `±HHMM`, `±HH`). A missing zone means UTC: Date.parse would use the server's local
 * zone, which makes the result depend on where Pulse runs. Hand-written (no regex, no Date.parse)
 * because Date.parse accepts "2011-13-45"-like and free-text dates and this runs for every event.
 */
export function parseTimestamp(text: string): number {
  const length = text.length;
  if (length < 10 || length > 40) return Number.NaN;
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  if (text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45) return Number.NaN; // '-'
  // Comparisons are written so that NaN (a non-digit) fails them.
  if (!(year >= 0 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month))) {
    return Number.NaN;
  }
  let hour = 0;
  let minute = 0;
  let second = 0;
  let ms = 0;
  let offsetMinutes = 0;
  let at = 10;
  if (at < length) {
    const separator = text.charCodeAt(at);
    if (separator !== 84 && separator !== 116 && separator !== 32) return Number.NaN; // 'T' 't' ' '
    hour = digits(text, at + 1, 2);
    minute = digits(text, at + 4, 2);
    if (text.charCodeAt(at + 3) !== 58 || !(hour <= 23 && minute <= 59)) return Number.NaN; // ':'
    at += 6;
    if (text.charCodeAt(at) === 58) {
      second = digits(text, at + 1, 2);
      if (!(second <= 59)) return Number.NaN;
      at += 3;
      if (text.charCodeAt(at) === 46) {
        // '.': keep milliseconds, ignore finer digits
        const start = at + 1;
        at = start;
        while (at < length && isDigit(text.charCodeAt(at))) at++;
        if (at === start) return Number.NaN;
        for (let i = start; i < start + 3; i++) {
          ms = ms * 10 + (i < at ? text.charCodeAt(i) - 48 : 0);
        }
      }
    }
    if (at < length) {
      offsetMinutes = parseZone(text, at);
      if (Number.isNaN(offsetMinutes)) return Number.NaN;
    }
  }
  // Arithmetic instead of Date.UTC, which costs ~30x more and maps years 0-99 to the 1900s.
  const local = daysFromCivil(year, month, day) * MS_PER_DAY + hour * 3_600_000 + minute * MS_PER_MINUTE;
  return local + second * 1000 + ms - offsetMinutes * MS_PER_MINUTE;
}

/** Minutes east of UTC for the zone starting at `at` (which must run to the end), or NaN. */
function parseZone(text: string, at: number): number {
  const rest = text.length - at;
  const sign = text.charCodeAt(at);
  if (sign === 90 || sign === 122) return rest === 1 ? 0 : Number.NaN; // 'Z' 'z'
  if (sign !== 43 && sign !== 45) return Number.NaN; // '+' '-'
  let hours: number;
  let minutes = 0;
  if (rest === 3) {
    hours = digits(text, at + 1, 2);
  } else if (rest === 5) {
    hours = digits(text, at + 1, 2);
    minutes = digits(text, at + 3, 2);
  } else if (rest === 6 && text.charCodeAt(at + 3) === 58) {
    hours = digits(text, at + 1, 2);
    minutes = digits(text, at + 4, 2);
  } else {
    return Number.NaN;
  }
  if (!(hours <= 23 && minutes <= 59)) return Number.NaN;
  const total = hours * 60 + minutes;
  return sign === 45 ? -total : total;
}

function digits(text: string, at: number, count: number): number {
  let value = 0;
  for (let i = at; i < at + count; i++) {
    const code = text.charCodeAt(i);
    if (!isDigit(code)) return Number.NaN;
    value = value * 10 + code - 48;
  }
  return value;
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** Days since 1970-01-01 (Howard Hinnant's days_from_civil, https://howardhinnant.github.io/date_algorithms.html). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2 && !(year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0))) return 28;
  return DAYS_IN_MONTH[month - 1] ?? 0;
}

/**
 * Segment's clock-skew correction on epoch ms (NaN = absent): the client's clock may be wrong, but the
 * gap between the call and the send is right, so timestamp = receivedAt - (sentAt - timestamp).
 */
export function correctTimestampMs(timestamp: number, sentAt: number, receivedAt: number): number {
  if (Number.isNaN(timestamp)) return receivedAt;
  if (Number.isNaN(sentAt)) return timestamp;
  return receivedAt - (sentAt - timestamp);
}

/**
 * Segment: timestamp and sentAt → receivedAt - (sentAt - timestamp); timestamp alone → as is;
 * sentAt alone or neither → receivedAt. Invalid Dates count as absent.
 */
export function correctTimestamp(args: { timestamp?: Date; sentAt?: Date; receivedAt: Date }): Date {
  const timestamp = args.timestamp?.getTime() ?? Number.NaN;
  const sentAt = args.sentAt?.getTime() ?? Number.NaN;
  return new Date(correctTimestampMs(timestamp, sentAt, args.receivedAt.getTime()));
}

/** 0000-01-01 and 10000-01-01: the span where toISOString uses four-digit years. */
const FAST_MIN = -62_167_219_200_000;
const FAST_MAX = 253_402_300_800_000;

let cachedMs = Number.NaN;
let cachedText = '';

/**
 * '2011-12-09T12:50:00.000Z', like toISOString but several times faster (toISOString was the largest
 * single cost of validating and storing an event). Remembers the last result: events of one request
 * share their receivedAt.
 */
export function formatTimestamp(ms: number): string {
  if (ms === cachedMs) return cachedText;
  if (!(ms >= FAST_MIN && ms < FAST_MAX) || !Number.isInteger(ms)) return new Date(ms).toISOString();
  const days = Math.floor(ms / MS_PER_DAY);
  let rest = ms - days * MS_PER_DAY;
  // The inverse of daysFromCivil.
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra -
      Math.floor(dayOfEra / 1460) +
      Math.floor(dayOfEra / 36_524) -
      Math.floor(dayOfEra / 146_096)) /
      365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const shiftedMonth = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * shiftedMonth + 2) / 5) + 1;
  const month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  const hour = Math.floor(rest / 3_600_000);
  rest -= hour * 3_600_000;
  const minute = Math.floor(rest / MS_PER_MINUTE);
  rest -= minute * MS_PER_MINUTE;
  const second = Math.floor(rest / 1000);
  const milli = rest - second * 1000;
  const text =
    pad(year, 4) +
    '-' +
    pad(month, 2) +
    '-' +
    pad(day, 2) +
    'T' +
    pad(hour, 2) +
    ':' +
    pad(minute, 2) +
    ':' +
    pad(second, 2) +
    '.' +
    pad(milli, 3) +
    'Z';
  cachedMs = ms;
  cachedText = text;
  return text;
}

function pad(value: number, width: number): string {
  const text = String(value);
  return text.length >= width ? text : '0000'.slice(0, width - text.length) + text;
}

/**
 * `text` itself when it already is in formatTimestamp's form (what SDKs send), saving a format; `ms`
 * must be parseTimestamp(text).
 */
export function canonicalTimestamp(text: string, ms: number): string {
  return text.length === 24 &&
    text.charCodeAt(10) === 84 && // 'T'
    text.charCodeAt(19) === 46 && // '.'
    text.charCodeAt(23) === 90 // 'Z'
    ? text
    : formatTimestamp(ms);
}
