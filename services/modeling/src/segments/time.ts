export const DAY_MS = 86_400_000;

/** Calendar day number (UTC) of an instant: recency is counted in whole days, so it ties and steps. */
export function dayIndex(ms: number): number {
  return Math.floor(ms / DAY_MS);
}
