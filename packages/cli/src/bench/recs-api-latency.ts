import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mapOnlineRetail, readOnlineRetail } from '@pulse/datasets';
import { type StoredEvent, toStoredEvent, validateEvent } from '@pulse/events';
import {
  interactionsFromStoredEvent,
  RecentItemsModel,
  RecsIncrementalModel,
  seededRandom,
} from '@pulse/modeling';
import { repoPath, spawnNode, stop } from './child-service.js';

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

/** What the API server process prints when asked for its report: what it measured in itself. */
export interface RecsServerReport {
  /** Per request, fastify's arrival to answer written (ms). */
  servedP99: number;
  computeP50: number;
  computeP99: number;
  computeMax: number;
  gcPauseMs: number;
  gcLongestMs: number;
  loopDelayP99: number;
  loopDelayMax: number;
  people: number;
  items: number;
}

/**
 * `recs_p99_ms`: the recommendations API as the modeling service builds it (buildModelingApi over a
 * Recommender of the default model, hybrid, and RecentItemsModel), in a process of its own that
 * learned the whole Online Retail replay through the worker's own `apply` (recs-api-server.ts),
 * answering an open-loop 1,000 requests per second sent by a second process over keep-alive
 * connections (recs-api-load.ts): client-side p50/p99/max and the rate achieved, and from the
 * server the time in fastify, the recommender's own time, its collections and event-loop delay.
 * In its own process because the service runs in its own: in this one, the heap the other bench
 * parts leave behind doubled the p99.
 */
export async function benchRecsApiLatency(
  dataDir: string | undefined,
  options: { rate?: number; warmupSeconds?: number; seconds?: number } = {},
): Promise<Record<string, number>> {
  const rate = options.rate ?? 1000;
  const warmupSeconds = options.warmupSeconds ?? 2;
  const seconds = options.seconds ?? 10;
  const dir = mkdtempSync(join(tmpdir(), 'pulse-recs-load-'));
  const planFile = join(dir, 'plan.json');
  const server = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      repoPath('packages/cli/src/bench/recs-api-server.ts'),
      planFile,
      String(rate * (warmupSeconds + seconds)),
    ],
    {
      cwd: repoPath('.'),
      env: { ...process.env, ...(dataDir ? { PULSE_DATA_DIR: dataDir } : {}) },
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  let client: ReturnType<typeof spawnNode> | undefined;
  try {
    const serverLines = lines(server, 'the recommendations API server');
    const { port } = JSON.parse(await serverLines.next()) as { port: number };
    client = spawnNode(
      'packages/cli/src/bench/recs-api-load.ts',
      [`http://127.0.0.1:${port}`, planFile, String(rate), String(warmupSeconds), String(seconds)],
      {},
    );
    // The warm-up is over: only the measured requests count in the server too.
    const report = await childReport(client, () => server.stdin?.write('measuring\n'));
    if (report.failed > 0) throw new Error(`the recommendations API failed ${report.failed} requests`);
    server.stdin?.write('report\n');
    const s = JSON.parse(await serverLines.next()) as RecsServerReport;
    return {
      recs_p50_ms: round(report.p50),
      recs_p99_ms: round(report.p99),
      recs_max_ms: round(report.max),
      recs_rps: Math.round(report.rps),
      recs_target_rps: rate,
      recs_requests: report.ok,
      recs_behind_ms: round(report.behindMs),
      // From the request's arrival in fastify to its answer written: the rest is sockets and the client.
      recs_server_p99_ms: round(s.servedP99),
      recs_compute_p50_ms: round(s.computeP50),
      recs_compute_p99_ms: round(s.computeP99),
      recs_compute_max_ms: round(s.computeMax),
      // Garbage collection in the server while measured: stalls every request in flight.
      recs_gc_pause_ms: round(s.gcPauseMs),
      recs_gc_longest_ms: round(s.gcLongestMs),
      recs_server_loop_delay_p99_ms: round(s.loopDelayP99),
      recs_server_loop_delay_max_ms: round(s.loopDelayMax),
      recs_client_loop_delay_max_ms: round(report.clientLoopDelayMaxMs),
      recs_api_people: s.people,
      recs_api_items: s.items,
    };
  } finally {
    if (client) await stop(client);
    await stop(server);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A child's stdout as lines, one `next()` at a time; `next()` fails once the child is gone. */
function lines(child: ChildProcess, name: string): { next(): Promise<string> } {
  const ready: string[] = [];
  const waiting: Array<{ resolve: (line: string) => void; reject: (err: Error) => void }> = [];
  let buffered = '';
  child.stdout?.on('data', (d: Buffer) => {
    buffered += d.toString();
    for (let end = buffered.indexOf('\n'); end >= 0; end = buffered.indexOf('\n')) {
      const line = buffered.slice(0, end).trim();
      buffered = buffered.slice(end + 1);
      if (!line) continue;
      const waiter = waiting.shift();
      if (waiter) waiter.resolve(line);
      else ready.push(line);
    }
  });
  let gone: Error | undefined;
  const fail = (err: Error) => {
    gone = err;
    for (const w of waiting.splice(0)) w.reject(err);
  };
  child.on('error', fail);
  // 'close', not 'exit': a last line can still be in the pipe when the process has exited.
  child.on('close', (code) => fail(new Error(`${name} exited with ${code} before its next line`)));
  return {
    next: () => {
      const line = ready.shift();
      if (line !== undefined) return Promise.resolve(line);
      if (gone) return Promise.reject(gone);
      return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
    },
  };
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
async function childReport(child: ChildProcess, onMeasuring: () => void): Promise<RecsLoadReport> {
  const out = lines(child, 'the recommendations load process');
  for (;;) {
    const line = await out.next();
    if (line === 'measuring') onMeasuring();
    else if (line.startsWith('{')) return JSON.parse(line) as RecsLoadReport;
  }
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
