/**
 * The recommendations API of the recs_p99_ms bench, in a process of its own as the modeling service
 * runs: learns the whole Online Retail replay through the worker's own `apply`, writes the request
 * plan, serves the API as the service builds it and prints `{"port":n}`. On stdin, `measuring`
 * starts its own measurements (the load's warm-up is over) and `report` prints them as one JSON line
 * (RecsServerReport) and exits. Run: node --import tsx recs-api-server.ts <planFile> <requests>.
 */
import { writeFileSync } from 'node:fs';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { createHttpMetrics, createMetricsRegistry, type HttpMetrics } from '@pulse/common';
import {
  buildModelingApi,
  EXAMPLE_SEGMENT_RULES,
  type RecentItemsModel,
  Recommender,
  SegmentsModel,
  type ServingModel,
} from '@pulse/modeling';
import { learnRetail, type RecsServerReport } from './recs-api-latency.js';
import { exposeGc, settle } from './recs-memory.js';
import { percentile } from './trigger-latency.js';

const [planFile = '', requestsArg = '12000'] = process.argv.slice(2);

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

/** The service's HTTP metrics, also keeping each request's time in the server (ms). */
function serverTimes(metrics: HttpMetrics, samples: number[]): HttpMetrics {
  return {
    observe(route, status, seconds) {
      metrics.observe(route, status, seconds);
      samples.push(seconds * 1000);
    },
  };
}

const { recs, people, plan } = await learnRetail(
  process.env['PULSE_DATA_DIR'] || undefined,
  Number(requestsArg),
);
writeFileSync(planFile, JSON.stringify(plan));
// What a replay left behind is not what a running service holds: collected before serving, as
// settled as a long-running service's heap (one collection left 120 MB more resident, which the
// host's periodic memory sampling on this VM turns into longer stalls).
await settle(exposeGc());
const model = recs.model as ServingModel;
const compute: number[] = [];
const served: number[] = [];
const app = buildModelingApi({
  recommender: new TimedRecommender(() => model, people, 100, compute),
  segments: new SegmentsModel({ rules: EXAMPLE_SEGMENT_RULES }),
  defaultK: 10,
  http: serverTimes(createHttpMetrics(createMetricsRegistry('modeling')), served),
});
await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address();

const gc = { pauses: 0, longest: 0, measuring: false };
new PerformanceObserver((list) => {
  if (!gc.measuring) return;
  for (const entry of list.getEntries()) {
    gc.pauses += entry.duration;
    gc.longest = Math.max(gc.longest, entry.duration);
  }
}).observe({ entryTypes: ['gc'] });
// Anything that blocks the loop (GC, a slow request) delays every request behind it.
const loopDelay = monitorEventLoopDelay({ resolution: 1 });

createInterface({ input: process.stdin }).on('line', (line) => {
  if (line === 'measuring') {
    compute.length = 0;
    served.length = 0;
    gc.measuring = true;
    loopDelay.enable();
  } else if (line === 'report') {
    gc.measuring = false;
    loopDelay.disable();
    compute.sort((a, b) => a - b);
    served.sort((a, b) => a - b);
    const report: RecsServerReport = {
      servedP99: percentile(served, 99),
      computeP50: percentile(compute, 50),
      computeP99: percentile(compute, 99),
      computeMax: compute[compute.length - 1] ?? 0,
      gcPauseMs: gc.pauses,
      gcLongestMs: gc.longest,
      loopDelayP99: loopDelay.percentile(99) / 1e6,
      loopDelayMax: loopDelay.max / 1e6,
      people: people.size,
      items: model.knownItems().length,
    };
    process.stdout.write(`${JSON.stringify(report)}\n`, () => {
      void app.close().then(() => process.exit(0));
    });
  }
});
process.stdout.write(
  `${JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 })}\n`,
);
