import type { Sample } from '../status/exposition.js';
import { readMetrics } from '../status/scrape.js';
import type { RssPoint } from './rss-growth.js';
import { readServiceFigures, type ServiceUrl } from './service-figures.js';

/** What is read of each service's V8 memory (prom-client's default metrics). */
export const HEAP_SERIES = {
  /** Live objects and garbage not yet collected. */
  heap: 'pulse_nodejs_heap_size_used_bytes',
  /** What V8 reserved for its heap: it grows when V8 raises its limit, and counts in the RSS. */
  heap_total: 'pulse_nodejs_heap_size_total_bytes',
  /** Memory of JavaScript objects held outside the heap: Buffers (Kafka batches), ArrayBuffers. */
  external: 'pulse_nodejs_external_memory_bytes',
  /** glibc's arenas, where the process trims them (the embedded ClickHouse's hosts): in use... */
  malloc_in_use: 'pulse_native_malloc_bytes{kind=in_use}',
  /** ...and freed but kept by the arenas until a trim. */
  malloc_free: 'pulse_native_malloc_bytes{kind=free}',
  /** All the embedded ClickHouse engine allocated and holds, by its own account (from malloc, or mmap for large blocks)... */
  clickhouse: 'pulse_clickhouse_engine_memory_bytes{kind=tracked}',
  /** ...of which its caches of marks and primary indexes, which grow with the parts read. */
  clickhouse_mark_cache: 'pulse_clickhouse_engine_memory_bytes{kind=mark_cache}',
  clickhouse_primary_index_cache: 'pulse_clickhouse_engine_memory_bytes{kind=primary_index_cache}',
  /** The engine's jemalloc: what the engine holds, and what it keeps resident (freed pages not yet purged too). */
  jemalloc_allocated: 'pulse_clickhouse_engine_jemalloc_bytes{kind=allocated}',
  jemalloc_resident: 'pulse_clickhouse_engine_jemalloc_bytes{kind=resident}',
} as const;

export type HeapSeries = keyof typeof HEAP_SERIES;

export interface HeapSampler {
  /** Stops (once; later calls only return them): per service name, its readings of each series. */
  stop(): Record<string, Record<HeapSeries, RssPoint[]>>;
}

/** A series' metric name and the one label (`{kind=free}`) it must carry, if any. */
function seriesMatcher(metric: string): (sample: Sample) => boolean {
  const [, name, key, value] = /^([^{]+)(?:\{(\w+)=(\w+)\})?$/.exec(metric) ?? [];
  return (sample) => sample.name === name && (key === undefined || sample.labels[key] === value);
}
const matchers = Object.entries(HEAP_SERIES).map(
  ([series, metric]) => [series as HeapSeries, seriesMatcher(metric)] as const,
);

/** The series' figures in one scrape's samples (a series the scrape lacks is left out). */
export function heapFigures(samples: readonly Sample[]): Partial<Record<HeapSeries, number>> {
  const figures: Partial<Record<HeapSeries, number>> = {};
  for (const [series, matches] of matchers) {
    const sample = samples.find(matches);
    if (sample !== undefined) figures[series] = sample.value;
  }
  return figures;
}

function emptySeries(): Record<HeapSeries, RssPoint[]> {
  return Object.fromEntries(Object.keys(HEAP_SERIES).map((series) => [series, []])) as unknown as Record<
    HeapSeries,
    RssPoint[]
  >;
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
      void readMetrics(`${s.url}/metrics`, Math.max(1000, everyMs - 500)).then(({ metrics }) => {
        for (const [series, bytes] of Object.entries(heapFigures(metrics?.samples ?? []))) {
          points[s.name]?.[series as HeapSeries].push({ t, bytes });
        }
      });
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

/**
 * Per service, what its native memory trimmer did over the run (pulse_native_memory_trims_total and
 * the longest trim in ms): only the processes that host the embedded ClickHouse trim.
 */
export function readTrimFigures(services: readonly ServiceUrl[]) {
  return readServiceFigures(services, {
    trims: { metric: 'pulse_native_memory_trims_total' },
    longest_ms: { metric: 'pulse_native_memory_trim_longest_seconds', scale: 1000 },
  });
}
