import type { RssPoint } from './rss-growth.js';

export interface HeapSampler {
  /** Stops (once; later calls only return them): the readings per service name. */
  stop(): Record<string, RssPoint[]>;
}

const HEAP_USED = /^pulse_nodejs_heap_size_used_bytes(?:\{[^}]*\})? (\d+(?:\.\d+)?(?:e\+\d+)?)$/m;

/**
 * Each service's V8 heap in use, read from its /metrics (prom-client's default metrics) now and every
 * `everyMs`, `t` in seconds from now: beside the RSS it tells the JavaScript state's growth from what
 * the process holds outside the heap (its embedded ClickHouse, buffers). A reading that fails (a
 * service too busy to answer in time) is skipped.
 */
export function sampleHeap(
  services: ReadonlyArray<{ name: string; url: string }>,
  everyMs: number,
): HeapSampler {
  const started = performance.now();
  const points: Record<string, RssPoint[]> = Object.fromEntries(services.map((s) => [s.name, []]));
  const read = () => {
    const t = (performance.now() - started) / 1000;
    for (const s of services) {
      void fetch(`${s.url}/metrics`, { signal: AbortSignal.timeout(Math.max(1000, everyMs - 500)) })
        .then((r) => r.text())
        .then((text) => {
          const bytes = HEAP_USED.exec(text)?.[1];
          if (bytes !== undefined) points[s.name]?.push({ t, bytes: Number(bytes) });
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
      }
      for (const list of Object.values(points)) list.sort((a, b) => a.t - b.t);
      return points;
    },
  };
}
