import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { createHttpMetrics, createMetricsRegistry, type HttpMetrics } from '@pulse/common';
import { mapOnlineRetail, readOnlineRetail } from '@pulse/datasets';
import { type StoredEvent, toStoredEvent, validateEvent } from '@pulse/events';
import {
  buildModelingApi,
  EXAMPLE_SEGMENT_RULES,
  interactionsFromStoredEvent,
  RecentItemsModel,
  Recommender,
  RecsIncrementalModel,
  SegmentsModel,
  type ServingModel,
  seededRandom,
} from '@pulse/modeling';
import { spawnNode, stop } from './child-service.js';
import { exposeGc } from './recs-memory.js';
import { percentile } from './trigger-latency.js';

/** What the load process prints as its last line. */
export interface RecsLoadReport {
  sent: number;
  ok: number;
  failed: number;
  seconds: number;
  rps: number;
  p50: number;
  p99: number;
  max: number;
  /** How far the generator fell behind its schedule at worst (ms): a loaded client shows here. */
  behindMs: number;
  /** The longest the load process's event loop was blocked while measuring (ms). */
  clientLoopDelayMaxMs: number;
}

/** Requests of the run: about half similar items, half per person, over real ids. */
export interface RecsLoadPlan {
  paths: string[];
}

/**
 * `recs_p99_ms`: the recommendations API as the modeling service builds it (buildModelingApi over a
 * Recommender of the default model, hybrid, and RecentItemsModel), after learning the whole Online
 * Retail replay through the worker's own `apply`, answering an open-loop 1,000 requests per second
 * sent by a second process over keep-alive connections: client-side p50/p99/max and the rate
 * achieved, and the time the recommender itself took per request (p99), measured in the server.
 */
export async function benchRecsApiLatency(
  dataDir: string | undefined,
  options: { rate?: number; warmupSeconds?: number; seconds?: number } = {},
): Promise<Record<string, number>> {
  const rate = options.rate ?? 1000;
  const warmupSeconds = options.warmupSeconds ?? 2;
  const seconds = options.seconds ?? 10;

  const { recs, people, plan } = await learnRetail(dataDir, rate * (warmupSeconds + seconds));
  // What a replay left behind is not what a running service holds: collected before measuring.
  exposeGc()();
  const model = recs.model as ServingModel;
  const compute: number[] = [];
  const served: number[] = [];
  const recommender = new TimedRecommender(() => model, people, 100, compute);
  const app = buildModelingApi({
    recommender,
    segments: new SegmentsModel({ rules: EXAMPLE_SEGMENT_RULES }),
    defaultK: 10,
    http: serverTimes(createHttpMetrics(createMetricsRegistry('modeling')), served),
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  const dir = mkdtempSync(join(tmpdir(), 'pulse-recs-load-'));
  const planFile = join(dir, 'plan.json');
  writeFileSync(planFile, JSON.stringify(plan));
  const child = spawnNode(
    'packages/cli/src/bench/recs-api-load.ts',
    [`http://127.0.0.1:${port}`, planFile, String(rate), String(warmupSeconds), String(seconds)],
    {},
  );
  const gc = { pauses: 0, longest: 0, measuring: false };
  const gcObserver = new PerformanceObserver((list) => {
    if (!gc.measuring) return;
    for (const entry of list.getEntries()) {
      gc.pauses += entry.duration;
      gc.longest = Math.max(gc.longest, entry.duration);
    }
  });
  gcObserver.observe({ entryTypes: ['gc'] });
  // Anything that blocks the server's loop (GC, a slow request) delays every request behind it.
  const loopDelay = monitorEventLoopDelay({ resolution: 1 });
  try {
    const report = await childReport(child, () => {
      // The warm-up is over: only the measured requests count in the server too.
      compute.length = 0;
      served.length = 0;
      gc.measuring = true;
      loopDelay.enable();
    });
    gc.measuring = false;
    loopDelay.disable();
    if (report.failed > 0) throw new Error(`the recommendations API failed ${report.failed} requests`);
    compute.sort((a, b) => a - b);
    served.sort((a, b) => a - b);
    return {
      recs_p50_ms: round(report.p50),
      recs_p99_ms: round(report.p99),
      recs_max_ms: round(report.max),
      recs_rps: Math.round(report.rps),
      recs_target_rps: rate,
      recs_requests: report.ok,
      recs_behind_ms: round(report.behindMs),
      // From the request's arrival in fastify to its answer written: the rest is sockets and the client.
      recs_server_p99_ms: round(percentile(served, 99)),
      recs_compute_p50_ms: round(percentile(compute, 50)),
      recs_compute_p99_ms: round(percentile(compute, 99)),
      recs_compute_max_ms: round(compute[compute.length - 1] ?? 0),
      // Garbage collection in the server while measured: stalls every request in flight.
      recs_gc_pause_ms: round(gc.pauses),
      recs_gc_longest_ms: round(gc.longest),
      recs_server_loop_delay_p99_ms: round(loopDelay.percentile(99) / 1e6),
      recs_server_loop_delay_max_ms: round(loopDelay.max / 1e6),
      recs_client_loop_delay_max_ms: round(report.clientLoopDelayMaxMs),
      recs_api_people: people.size,
      recs_api_items: model.knownItems().length,
    };
  } finally {
    gcObserver.disconnect();
    await stop(child);
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The whole Online Retail replay learned as the worker does (`apply` of each stored event), and the
 * requests to send; the events themselves are not kept.
 */
export async function learnRetail(dataDir: string | undefined, requests: number) {
  const recs = new RecsIncrementalModel('hybrid');
  // As the service configures it (start-modeling.ts), with MODELING_RECS_PEOPLE's default.
  const people = new RecentItemsModel({ perPerson: 20, purchasedPerPerson: 500, people: 1_000_000 });
  const events = await retailStoredEvents(dataDir);
  for (const e of events) {
    recs.apply(e);
    people.apply(e);
  }
  return { recs, people, plan: recsLoadPlan(events, requests, 10) };
}

/** The service's HTTP metrics, also keeping each request's time in the server (ms). */
function serverTimes(metrics: HttpMetrics, samples: number[]): HttpMetrics {
  return {
    observe(route, status, seconds) {
      metrics.observe(route, status, seconds);
      samples.push(seconds * 1000);
    },
  };
}

/** The Recommender the service uses, timing its own work (not HTTP, not JSON) per request. */
class TimedRecommender extends Recommender {
  constructor(
    model: () => ServingModel,
    people: RecentItemsModel,
    maxK: number,
    private readonly samples: number[],
  ) {
    super(model, people, maxK);
  }

  override similarItems(itemId: string, k: number) {
    const started = performance.now();
    try {
      return super.similarItems(itemId, k);
    } finally {
      this.samples.push(performance.now() - started);
    }
  }

  override forUser(userId: string, k: number) {
    const started = performance.now();
    try {
      return super.forUser(userId, k);
    } finally {
      this.samples.push(performance.now() - started);
    }
  }
}

/**
 * `count` request paths over real ids, deterministic for a data set: each request picks an
 * interaction of the replay at random (so busy items and people come up as often as they do in the
 * data) and asks for its item's similar items or its person's recommendations, alternately.
 */
export function recsLoadPlan(events: readonly StoredEvent[], count: number, k: number): RecsLoadPlan {
  const pairs: Array<[string, string]> = [];
  for (const e of events) {
    for (const x of interactionsFromStoredEvent(e)) pairs.push([x.item, x.session]);
  }
  if (pairs.length === 0) throw new Error('no interactions to pick request ids from');
  const random = seededRandom(42);
  const paths: string[] = [];
  for (let i = 0; i < count; i++) {
    const [item, person] = pairs[Math.floor(random() * pairs.length)]!;
    paths.push(
      i % 2 === 0
        ? `/v1/recommendations/items/${encodeURIComponent(item)}?k=${k}`
        : `/v1/recommendations/users/${encodeURIComponent(person)}?k=${k}`,
    );
  }
  return { paths };
}

/** The Online Retail replay as the collector stores it (invalid calls left out, as it would answer 400). */
async function retailStoredEvents(dataDir: string | undefined): Promise<StoredEvent[]> {
  const events: StoredEvent[] = [];
  for await (const item of mapOnlineRetail(readOnlineRetail(dataDir ? { dataDir } : {}))) {
    if (item.kind !== 'call') continue;
    const { timestamp, ...call } = item.call;
    const validated = validateEvent(
      { ...call, timestamp: timestamp.toISOString() },
      { receivedAt: timestamp },
    );
    if (validated.ok) {
      events.push(toStoredEvent(validated.value, { receivedAt: timestamp, sourceId: 'bench' }));
    }
  }
  return events;
}

/** Waits for the load process's report; `onMeasuring` runs when it says the warm-up is over. */
function childReport(child: ReturnType<typeof spawnNode>, onMeasuring: () => void): Promise<RecsLoadReport> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    let report: RecsLoadReport | undefined;
    child.stdout?.on('data', (d: Buffer) => {
      buffered += d.toString();
      let end = buffered.indexOf('\n');
      while (end >= 0) {
        const line = buffered.slice(0, end).trim();
        buffered = buffered.slice(end + 1);
        if (line === 'measuring') onMeasuring();
        else if (line.startsWith('{')) report = JSON.parse(line) as RecsLoadReport;
        end = buffered.indexOf('\n');
      }
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0 && report) resolve(report);
      else reject(new Error(`the recommendations load process exited with ${code} and no report`));
    });
  });
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
