const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

export const DURATION_PATTERN = /^(\d+)(s|m|h|d|w)$/;

/** '7d' → ms. The pattern is checked by the schema first; this only converts. */
export function durationMs(text: string): number {
  const match = DURATION_PATTERN.exec(text);
  if (match === null) throw new RangeError(`not a duration: ${text}`);
  return Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
}
