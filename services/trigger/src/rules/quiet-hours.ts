/** Minutes since local midnight of `at` in `timeZone`; undefined for an unknown zone. */
export function localMinutes(at: number, timeZone: string): number | undefined {
  try {
    const parts = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    }).formatToParts(at);
    const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
    return get('hour') * 60 + get('minute') + get('second') / 60;
  } catch {
    return undefined;
  }
}

const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/**
 * Milliseconds to wait until quiet hours end, 0 outside them. The window may
 * cross midnight (21:00-08:00). A daylight-saving change inside the wait can
 * shift the end by that hour; acceptable for a "not at night" rule.
 */
export function quietHoursDelayMs(
  at: number,
  timeZone: string | undefined,
  window: { start: string; end: string } | undefined,
  fallbackZone = 'UTC',
): number {
  if (!window) return 0;
  const now = localMinutes(at, timeZone ?? fallbackZone) ?? localMinutes(at, fallbackZone) ?? 0;
  const start = toMinutes(window.start);
  const end = toMinutes(window.end);
  const inside = start <= end ? now >= start && now < end : now >= start || now < end;
  if (!inside) return 0;
  const wait = (end - now + 1440) % 1440;
  return Math.ceil(wait * 60_000);
}
