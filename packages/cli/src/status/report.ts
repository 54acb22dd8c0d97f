import { sleep } from '@pulse/common';
import { type Scrape, scrape, type Target } from './scrape.js';
import { type StatusReport, summarise } from './summarise.js';

/**
 * Scrapes every target twice, `seconds` apart, so that rates and latency
 * percentiles describe that window rather than the services' whole life.
 */
export async function measureStatus(targets: readonly Target[], seconds: number): Promise<StatusReport> {
  const before = await Promise.all(targets.map((t) => scrape(t)));
  await sleep(seconds * 1000);
  const after = await Promise.all(targets.map((t) => scrape(t)));
  return statusReport(before, after);
}

export function statusReport(before: readonly Scrape[], after: readonly Scrape[]): StatusReport {
  const last = after.reduce((max, s) => Math.max(max, s.at), 0);
  const first = before.reduce((min, s) => Math.min(min, s.at), Number.POSITIVE_INFINITY);
  return {
    at: new Date(last),
    seconds: Number.isFinite(first) ? (last - first) / 1000 : 0,
    services: after.map((a, i) => summarise(before[i] ?? a, a)),
  };
}
