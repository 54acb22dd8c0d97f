import type { RssPoint } from './rss-growth.js';

/** What is read of each service's V8 memory (prom-client's default metrics). */
export const HEAP_SERIES = {
  /** Live objects and garbage not yet collected. */
  heap: 'pulse_nodejs_heap_size_used_bytes',
  /** What V8 reserved for its heap: it grows when V8 raises its limit, and counts in the RSS. */
  heap_total: 'pulse_nodejs_heap_size_total_bytes',
  /** Memory of JavaScript objects held outside the heap: Buffers (Kafka batches), ArrayBuffers. */
  external: 'pulse_nodejs_external_memory_bytes',
} as const;

export type HeapSeries = keyof typeof HEAP_SERIES;

export interface HeapSampler {
  /** Stops (once; later calls only return them): per service name, its readings of each series. */
  stop(): Record<string, Record<HeapSeries, RssPoint[]>>;
}

const patterns = Object.entries(HEAP_SERIES).map(
  ([series, metric]) =>
    [
      series as HeapSeries,
      new RegExp(`^${metric}(?:\\{[^}]*\\})? (\\d+(?:\\.\\d+)?(?:e\\+\\d+)?)$`, 'm'),
    ] as const,
);

function emptySeries(): Record<HeapSeries, RssPoint[]> {
  return { heap: [], heap_total: [], external: [] };
}

/**
 * Each service's V8 heap (used and reserved) and external memory, read from its /metrics now and
 * every `everyMs`, `t` in seconds from now: beside the RSS they tell the JavaScript state's growth
 * from what the process holds outside the heap (its embedded ClickHouse, malloc arenas). A reading
 * that fails (a service too busy to answer in time) is skipped.
 */
export function sampleHeap(
  services: ReadonlyArray<{ name: string; url: string }>,
  everyMs: number,
): HeapSampler {
  const started = performance.now();
  const points: Record<string, Record<HeapSeries, RssPoint[]>> = Object.fromEntries(
    services.map((s) => [s.name, emptySeries()]),
  );
  const read = () => {
    const t = (performance.now() - started) / 1000;
    for (const s of services) {
      void fetch(`${s.url}/metrics`, { signal: AbortSignal.timeout(Math.max(1000, everyMs - 500)) })
        .then((r) => r.text())
        .then((text) => {
          for (const [series, pattern] of patterns) {
            const bytes = pattern.exec(text)?.[1];
            if (bytes !== undefined) points[s.name]?.[series].push({ t, bytes: Number(bytes) });
          }
        })
        .catch(() => undefined);
    }
  };
  read();
  const timer = setInterval(read, everyMs);
  let stopped = false;
  return {
    stop() {
      if (!stopped) {
        stopped = true;
        clearInterval(timer);
        for (const series of Object.values(points)) {
          for (const list of Object.values(series)) list.sort((a, b) => a.t - b.t);
        }
      }
      return points;
    },
  };
}
