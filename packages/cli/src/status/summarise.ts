import type { Sample } from './exposition.js';
import { bucketsOf, quantile } from './histogram.js';
import type { Scrape } from './scrape.js';

export interface Percentiles {
  p50?: number;
  p90?: number;
  p99?: number;
}

/** What `pulse status` shows of one service; a section is there only when the service exports its metrics. */
export interface ServiceReport {
  name: string;
  url: string;
  up: boolean;
  error?: string;
  ready?: boolean;
  reasons: string[];
  http?: { perSecond: number; byStatus: Record<string, number>; latency: Percentiles };
  events?: {
    accepted: number;
    rejected: number;
    unavailable: number;
    rejectedByReason: Record<string, number>;
  };
  produce?: { latency: Percentiles; messagesPerRequest?: number; pendingBytes?: number };
  lag?: Array<{ group: string; topic: string; total: number; partitions: Record<string, number> }>;
  ingest?: {
    rowsInserted: number;
    duplicates: number;
    deadLetters: number;
    deadLettersByReason: Record<string, number>;
    insertFailures: number;
    insertLatency: Percentiles;
    rowsPerInsert?: number;
    delay: Percentiles;
    bufferedRows?: number;
  };
  queues?: Array<{ queue: string; counts: Record<string, number> }>;
  actions?: {
    perSecond: number;
    byOutcome: Record<string, number>;
    byCampaign: Record<string, number>;
    latency: Percentiles;
  };
  models?: Array<{ model: string; updatesPerSecond: number; freshnessSeconds?: number }>;
  process?: { cpuCores?: number; residentBytes?: number };
}

export interface StatusReport {
  at: Date;
  /** The window rates and percentiles are measured over. */
  seconds: number;
  services: ServiceReport[];
}

const OPS_ROUTES = new Set(['/metrics', '/healthz', '/readyz']);

type Match = (labels: Record<string, string>) => boolean;
const all: Match = () => true;

/** Figures of one service from two scrapes `seconds` apart: rates and percentiles are over that window. */
export function summarise(before: Scrape, after: Scrape): ServiceReport {
  const base = {
    name: after.target.name,
    url: after.target.url,
    reasons: after.reasons,
    ...(after.ready === undefined ? {} : { ready: after.ready }),
  };
  if (!after.metrics) return { ...base, up: false, error: after.error ?? 'no metrics' };
  const now = after.metrics.samples;
  const then = before.metrics?.samples;
  const seconds = Math.max(0.001, (after.at - before.at) / 1000);
  const f = new Figures(now, then, seconds);
  const report: ServiceReport = { ...base, up: true };

  if (f.has('pulse_http_requests_total')) {
    // The service's own API (the collector's events, the trigger's campaigns), not scrapes and probes.
    const events: Match = (l) => !OPS_ROUTES.has(l['route'] ?? '');
    report.http = {
      perSecond: f.rate('pulse_http_requests_total', events),
      byStatus: f.rateBy('pulse_http_requests_total', 'status', events),
      latency: f.percentiles('pulse_http_request_duration_seconds', events),
    };
  }
  if (f.has('pulse_collector_events_total')) {
    const outcome =
      (o: string): Match =>
      (l) =>
        l['outcome'] === o;
    report.events = {
      accepted: f.rate('pulse_collector_events_total', outcome('accepted')),
      rejected: f.rate('pulse_collector_events_total', outcome('rejected')),
      unavailable: f.rate('pulse_collector_events_total', outcome('unavailable')),
      rejectedByReason: f.rateBy('pulse_collector_events_total', 'reason', outcome('rejected')),
    };
  }
  if (f.has('pulse_kafka_produce_duration_seconds_count')) {
    report.produce = {
      latency: f.percentiles('pulse_kafka_produce_duration_seconds', (l) => l['outcome'] !== 'error'),
      ...optional('messagesPerRequest', f.mean('pulse_kafka_produce_batch_messages')),
      ...optional('pendingBytes', f.gauge('pulse_kafka_producer_pending_bytes')),
    };
  }
  if (f.has('pulse_kafka_consumer_lag')) report.lag = lagOf(now);
  if (f.has('pulse_clickhouse_insert_rows_total')) {
    const outcome =
      (o: string): Match =>
      (l) =>
        l['outcome'] === o;
    report.ingest = {
      rowsInserted: f.rate('pulse_clickhouse_insert_rows_total'),
      duplicates: f.rate('pulse_ingest_records_total', outcome('duplicate')),
      deadLetters: f.rate('pulse_dead_letters_total'),
      deadLettersByReason: f.rateBy('pulse_dead_letters_total', 'reason'),
      insertFailures: f.rate('pulse_clickhouse_insert_failures_total'),
      insertLatency: f.percentiles('pulse_clickhouse_insert_duration_seconds'),
      ...optional('rowsPerInsert', f.mean('pulse_ingest_batch_rows')),
      delay: f.percentiles('pulse_ingest_delay_seconds'),
      ...optional('bufferedRows', f.gauge('pulse_ingest_buffered_rows')),
    };
  }
  if (f.has('pulse_queue_jobs')) report.queues = queuesOf(now);
  if (f.has('pulse_actions_total')) {
    report.actions = {
      perSecond: f.rate('pulse_actions_total'),
      byOutcome: f.rateBy('pulse_actions_total', 'outcome'),
      byCampaign: f.rateBy('pulse_actions_total', 'campaign'),
      latency: f.percentiles('pulse_event_to_action_seconds'),
    };
  }
  if (f.has('pulse_model_updates_total') || f.has('pulse_model_freshness_seconds')) {
    const models = new Set(
      // Per-model series only: the checkpoint and duplicate counters are the worker's, not a model's.
      now.flatMap((s) => (s.name.startsWith('pulse_model_') && s.labels['model'] ? [s.labels['model']] : [])),
    );
    report.models = [...models].sort().map((model) => ({
      model,
      updatesPerSecond: f.rate('pulse_model_updates_total', (l) => l['model'] === model),
      ...optional(
        'freshnessSeconds',
        f.gauge('pulse_model_freshness_seconds', (l) => l['model'] === model),
      ),
    }));
  }
  const cpu = f.has('pulse_process_cpu_seconds_total')
    ? f.rate('pulse_process_cpu_seconds_total')
    : undefined;
  const rss = f.gauge('pulse_process_resident_memory_bytes');
  if (cpu !== undefined || rss !== undefined) {
    report.process = { ...optional('cpuCores', cpu), ...optional('residentBytes', rss) };
  }
  return report;
}

function optional<K extends string>(key: K, value: number | undefined): { [P in K]?: number } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: number };
}

/** Sums, rates and percentiles over the samples of two scrapes. */
class Figures {
  constructor(
    private readonly now: readonly Sample[],
    private readonly then: readonly Sample[] | undefined,
    private readonly seconds: number,
  ) {}

  has(name: string): boolean {
    return this.now.some((s) => s.name === name);
  }

  private sum(samples: readonly Sample[], name: string, match: Match): number {
    let total = 0;
    for (const s of samples) if (s.name === name && match(s.labels)) total += s.value;
    return total;
  }

  /** Undefined when no series matches. */
  gauge(name: string, match: Match = all): number | undefined {
    return this.now.some((s) => s.name === name && match(s.labels))
      ? this.sum(this.now, name, match)
      : undefined;
  }

  /** Increase per second of a counter; a counter that went down was restarted and counts from zero. */
  rate(name: string, match: Match = all): number {
    const now = this.sum(this.now, name, match);
    if (!this.then) return 0;
    const then = this.sum(this.then, name, match);
    return (now >= then ? now - then : now) / this.seconds;
  }

  /** rate() per value of `label`, leaving out values that did not move. */
  rateBy(name: string, label: string, match: Match = all): Record<string, number> {
    const values = new Set(
      this.now.filter((s) => s.name === name && match(s.labels)).map((s) => s.labels[label] ?? ''),
    );
    const out: Record<string, number> = {};
    for (const v of [...values].sort()) {
      const r = this.rate(name, (l) => match(l) && (l[label] ?? '') === v);
      if (r > 0) out[v] = r;
    }
    return out;
  }

  /** Mean observation of a histogram over the window (total when there is no earlier scrape). */
  mean(name: string, match: Match = all): number | undefined {
    const count = this.increase(`${name}_count`, match);
    return count > 0 ? this.increase(`${name}_sum`, match) / count : undefined;
  }

  private increase(name: string, match: Match): number {
    const now = this.sum(this.now, name, match);
    const then = this.then ? this.sum(this.then, name, match) : 0;
    return now >= then ? now - then : now;
  }

  percentiles(name: string, match: Match = all): Percentiles {
    const buckets = bucketsOf(name, this.now, this.then, match);
    const out: Percentiles = {};
    const p50 = quantile(0.5, buckets);
    const p90 = quantile(0.9, buckets);
    const p99 = quantile(0.99, buckets);
    if (p50 !== undefined) out.p50 = p50;
    if (p90 !== undefined) out.p90 = p90;
    if (p99 !== undefined) out.p99 = p99;
    return out;
  }
}

function lagOf(samples: readonly Sample[]): NonNullable<ServiceReport['lag']> {
  const groups = new Map<
    string,
    { group: string; topic: string; total: number; partitions: Record<string, number> }
  >();
  for (const s of samples) {
    if (s.name !== 'pulse_kafka_consumer_lag') continue;
    const group = s.labels['group'] ?? '';
    const topic = s.labels['topic'] ?? '';
    const key = `${group}\u0000${topic}`;
    const entry = groups.get(key) ?? { group, topic, total: 0, partitions: {} };
    entry.total += s.value;
    entry.partitions[s.labels['partition'] ?? '?'] = s.value;
    groups.set(key, entry);
  }
  return [...groups.values()].sort((a, b) => `${a.group} ${a.topic}`.localeCompare(`${b.group} ${b.topic}`));
}

function queuesOf(samples: readonly Sample[]): NonNullable<ServiceReport['queues']> {
  const queues = new Map<string, Record<string, number>>();
  for (const s of samples) {
    if (s.name !== 'pulse_queue_jobs') continue;
    const counts = queues.get(s.labels['queue'] ?? '') ?? {};
    const state = s.labels['state'] ?? '?';
    counts[state] = (counts[state] ?? 0) + s.value;
    queues.set(s.labels['queue'] ?? '', counts);
  }
  return [...queues].sort(([a], [b]) => a.localeCompare(b)).map(([queue, counts]) => ({ queue, counts }));
}
