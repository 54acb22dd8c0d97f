/**
 * A separate process that offers a collector more than it can take: batch i
 * goes out at i × batchSize / rate seconds whatever became of the ones
 * before it (open loop), up to `maxInFlight` at a time, each sent once, for
 * `seconds`. Prints one JSON line: the statuses, and which batches were
 * acknowledged (200), as ranges of batch numbers, so the caller can check
 * each acknowledged event was stored. Batch b carries the events numbered
 * b × batchSize .. (b + 1) × batchSize - 1 (messageIds `<runId>-<n>`).
 * Run: node --import tsx overload-client.ts <url> <writeKey> <eventsPerSecond> <seconds> <batchSize>
 * <maxInFlight> <runId>
 */
import { batchBody, batchPoster } from './load-events.js';
import { dueRequests } from './open-loop.js';

const [
  url = '',
  writeKey = '',
  rateArg = '10000',
  secondsArg = '60',
  batchArg = '100',
  inFlightArg = '256',
  runId = 'r',
] = process.argv.slice(2);
const batchSize = Number(batchArg);
const batchesPerS = Number(rateArg) / batchSize;
const seconds = Number(secondsArg);
const total = Math.floor(batchesPerS * seconds);
const maxInFlight = Number(inFlightArg);
// Segment's Node SDK gives up on a request after 10 s (httpRequestTimeout); its events are then not acknowledged.
const poster = batchPoster(url, writeKey, { maxSockets: maxInFlight, timeoutMs: 10_000 });

const acknowledged = new Uint8Array(total);
const statuses: Record<string, number> = {};
let sent = 0;
let inFlight = 0;
const started = performance.now();

function send(batch: number): Promise<void> {
  inFlight++;
  sent++;
  const from = batch * batchSize;
  return poster.post(batchBody(from, from + batchSize, runId)).then((status) => {
    inFlight--;
    statuses[status] = (statuses[status] ?? 0) + 1;
    if (status === 200) acknowledged[batch] = 1;
  });
}

const requests: Promise<void>[] = [];
const deadline = started + seconds * 1000;
while (performance.now() < deadline && sent < total) {
  // Batches due while every connection is busy go out when one frees up, still within the run.
  const due = dueRequests(performance.now() - started, batchesPerS, total);
  while (sent < due && inFlight < maxInFlight) requests.push(send(sent));
  await new Promise((r) => setTimeout(r, 2));
}
const sendSeconds = (performance.now() - started) / 1000;
await Promise.all(requests);
poster.close();

const ranges: Array<[number, number]> = [];
for (let b = 0; b < total; b++) {
  if (acknowledged[b] !== 1) continue;
  const last = ranges[ranges.length - 1];
  if (last && last[1] === b) last[1] = b + 1;
  else ranges.push([b, b + 1]);
}
process.stdout.write(
  `${JSON.stringify({
    batchSize,
    batchesDue: total,
    batchesSent: sent,
    sendSeconds,
    seconds: (performance.now() - started) / 1000,
    statuses,
    acknowledgedBatches: ranges,
  })}\n`,
);
