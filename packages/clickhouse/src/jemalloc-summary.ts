/** jemalloc's own totals for its whole heap, in bytes (malloc_stats_print's summary line). */
export interface JemallocSummary {
  /** Held by the program. */
  allocated: number;
  /** In pages that hold something allocated: allocated plus the slack of partly used pages. */
  active: number;
  /** jemalloc's own bookkeeping. */
  metadata: number;
  /** Physically resident: active, metadata, and freed pages not yet given back to the system. */
  resident: number;
  /** Mapped from the system, resident or not. */
  mapped: number;
  /** Unmapped address space kept for reuse: costs no memory. */
  retained: number;
}

const KEYS = ['allocated', 'active', 'metadata', 'resident', 'mapped', 'retained'] as const;

/**
 * The summary line of malloc_stats_print, as `system.jemalloc_stats` returns it:
 * `Allocated: 26479952, active: 27049984, metadata: 5425136 (n_thp 0, ...), resident: 37310464,
 * mapped: 49037312, retained: 6012928`. Undefined when the text has no such line (a build of the
 * engine without jemalloc, or a format this parser does not know): no figure beats a wrong one.
 */
export function parseJemallocSummary(stats: string): JemallocSummary | undefined {
  const line = /^Allocated: .*$/m.exec(stats)?.[0];
  if (line === undefined) return undefined;
  const summary: Partial<JemallocSummary> = {};
  for (const key of KEYS) {
    const match = new RegExp(`\\b${key}: (\\d+)`, 'i').exec(line);
    if (match === null) return undefined;
    summary[key] = Number(match[1]);
  }
  return summary as JemallocSummary;
}
