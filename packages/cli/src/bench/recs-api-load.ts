/**
 * A separate process that asks the recommendations API an open-loop `rate` requests per second
 * (each sent when due, whatever became of the earlier ones) over keep-alive connections, and
 * prints one JSON line of what it measured: client-side latencies (performance.now() from sending
 * to the end of the answer) of the requests after the warm-up, and the rate answered. It prints
 * `measuring` when the warm-up is over. Run: node --import tsx recs-api-load.ts <url> <planFile>
 * <rate> <warmupSeconds> <seconds>; the plan file is JSON { paths: string[] } (see recsLoadPlan).
 */
import { readFileSync } from 'node:fs';
import { Agent, get } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { dueRequests, summariseLatencies } from './open-loop.js';
import type { RecsLoadReport } from './recs-api-latency.js';

const [url = '', planFile = '', rateArg = '1000', warmupArg = '2', secondsArg = '10'] = process.argv.slice(2);
const rate = Number(rateArg);
const warmup = Math.round(rate * Number(warmupArg));
const total = warmup + Math.round(rate * Number(secondsArg));
const { paths } = JSON.parse(readFileSync(planFile, 'utf8')) as { paths: string[] };
if (paths.length === 0) throw new Error(`${planFile} has no request paths`);
const base = new URL(url);
// Enough sockets that a request never waits for one while the server keeps up.
const agent = new Agent({ keepAlive: true, maxSockets: 256 });

const latencies: number[] = [];
let failed = 0;
let answered = 0;
let sent = 0;
let behindMs = 0;
let firstMeasured = 0;
let lastAnswer = 0;
// The client's own stalls (its GC, its timers) count in its latencies: measured so that they show.
const loopDelay = monitorEventLoopDelay({ resolution: 1 });

function send(i: number): void {
  if (i === warmup) {
    process.stdout.write('measuring\n');
    firstMeasured = performance.now();
    loopDelay.enable();
  }
  const started = performance.now();
  const done = (ok: boolean): void => {
    const ended = performance.now();
    if (i >= warmup) {
      if (ok) latencies.push(ended - started);
      else failed += 1;
      lastAnswer = Math.max(lastAnswer, ended);
    }
    answered += 1;
    if (answered === total) finish();
  };
  const req = get({ host: base.hostname, port: base.port, path: paths[i % paths.length], agent }, (res) => {
    res.resume();
    res.on('end', () => done(res.statusCode === 200));
    res.on('error', () => done(false));
  });
  req.on('error', () => done(false));
}

const start = performance.now();
function tick(): void {
  const now = performance.now();
  const due = dueRequests(now - start, rate, total);
  if (due > sent) behindMs = Math.max(behindMs, now - (start + (sent * 1000) / rate));
  while (sent < due) send(sent++);
  if (sent < total) setTimeout(tick, Math.max(0, start + (sent * 1000) / rate - performance.now()));
}

function finish(): void {
  loopDelay.disable();
  agent.destroy();
  const seconds = (lastAnswer - firstMeasured) / 1000;
  const summary = summariseLatencies(latencies, seconds);
  const report: RecsLoadReport = {
    sent: total - warmup,
    ok: latencies.length,
    failed,
    seconds,
    behindMs,
    clientLoopDelayMaxMs: loopDelay.max / 1e6,
    ...summary,
  };
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

tick();
