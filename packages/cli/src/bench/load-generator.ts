/**
 * A separate process that posts Segment batches to a collector as fast as
 * the collector answers, with `concurrency` requests in flight, and prints
 * one JSON line of what happened. Run: node --import tsx load-generator.ts
 * <url> <writeKey> <events> <batchSize> <concurrency> <runId> [eventsPerSecond]
 * With a rate, batches are paced to it (a fixed background load) instead.
 */
import { batchBody, batchPoster } from './load-events.js';

const [
  url = '',
  writeKey = '',
  eventsArg = '100000',
  batchArg = '100',
  concurrencyArg = '16',
  runId = 'r',
  rateArg = '0',
] = process.argv.slice(2);
const rate = Number(rateArg);
const total = Number(eventsArg);
const batchSize = Number(batchArg);
const concurrency = Number(concurrencyArg);
const poster = batchPoster(url, writeKey, { maxSockets: concurrency });

let next = 0;
const statuses: Record<string, number> = {};
let accepted = 0;
const started = performance.now();

async function worker(): Promise<void> {
  while (next < total) {
    const from = next;
    const to = Math.min(total, from + batchSize);
    next = to;
    if (rate > 0) {
      const wait = started + (from / rate) * 1000 - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
    let status = 0;
    // Retry what was not acknowledged, as an SDK would; 200 means stored.
    for (let attempt = 0; attempt < 50; attempt++) {
      status = await poster.post(batchBody(from, to, runId));
      statuses[status] = (statuses[status] ?? 0) + 1;
      if (status === 200 || status === 400) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    if (status === 200) accepted += to - from;
  }
}

await Promise.all(Array.from({ length: concurrency }, () => worker()));
const seconds = (performance.now() - started) / 1000;
poster.close();
process.stdout.write(`${JSON.stringify({ sent: total, accepted, seconds, statuses })}\n`);
