import type { Sample } from '../status/exposition.js';
import { readMetrics } from '../status/scrape.js';

export interface ServiceUrl {
  name: string;
  url: string;
}

/**
 * Per service, the value of each named metric in one read of its /metrics, times `scale`, rounded
 * to a tenth: NaN for what the read lacked, so that a bench's other results still stand.
 */
export async function readServiceFigures<K extends string>(
  services: readonly ServiceUrl[],
  metrics: Record<K, { metric: string; scale?: number }>,
): Promise<Record<string, Record<K, number>>> {
  const value = (samples: readonly Sample[], metric: string) =>
    samples.find((sample) => sample.name === metric)?.value ?? Number.NaN;
  const entries = await Promise.all(
    services.map(async (s) => {
      const samples = (await readMetrics(`${s.url}/metrics`, 5000)).metrics?.samples ?? [];
      const figures = Object.fromEntries(
        Object.entries<{ metric: string; scale?: number }>(metrics).map(([name, m]) => [
          name,
          Math.round(value(samples, m.metric) * (m.scale ?? 1) * 10) / 10,
        ]),
      ) as Record<K, number>;
      return [s.name, figures] as const;
    }),
  );
  return Object.fromEntries(entries);
}

/**
 * Per service, how late its event loop ran since the previous read of its /metrics (prom-client
 * resets the histogram at each read): read once before a measurement to start the window.
 */
export function readLoopLag(services: readonly ServiceUrl[]) {
  return readServiceFigures(services, {
    p99_ms: { metric: 'pulse_nodejs_eventloop_lag_p99_seconds', scale: 1000 },
    max_ms: { metric: 'pulse_nodejs_eventloop_lag_max_seconds', scale: 1000 },
  });
}
