import type { Percentiles, ServiceReport, StatusReport } from './summarise.js';

/** `pulse status` as text: one block per service, one line per concern, figures a person can scan. */
export function renderStatus(report: StatusReport): string {
  const out = [`Pulse status at ${report.at.toISOString()} (rates over ${report.seconds.toFixed(1)} s)`, ''];
  for (const s of report.services) out.push(...renderService(s), '');
  return out.join('\n');
}

function renderService(s: ServiceReport): string[] {
  const head = `${s.name.padEnd(10)} ${s.url}  `;
  if (!s.up) return [`${head}DOWN: ${s.error ?? 'no answer'}`];
  const state =
    s.ready === undefined
      ? 'up (readiness unknown)'
      : s.ready
        ? 'ready'
        : `NOT READY: ${s.reasons.join('; ') || 'no reason given'}`;
  const lines = [`${head}${state}`];
  const row = (label: string, text: string) => lines.push(`  ${label.padEnd(11)} ${text}`);

  if (s.events) {
    const e = s.events;
    row(
      'events',
      [
        `${perSecond(e.accepted)} accepted`,
        `${perSecond(e.rejected)} rejected${breakdown(e.rejectedByReason)}`,
        `${perSecond(e.unavailable)} unavailable`,
      ].join('   '),
    );
  }
  if (s.http) {
    row(
      'http',
      `${perSecond(s.http.perSecond, 'req/s')}${breakdown(s.http.byStatus)}   ${latency(s.http.latency)}`,
    );
  }
  if (s.produce) {
    const parts = [`produce ${latency(s.produce.latency)}`];
    if (s.produce.messagesPerRequest !== undefined)
      parts.push(`${count(s.produce.messagesPerRequest)} records/request`);
    if (s.produce.pendingBytes !== undefined)
      parts.push(`${bytes(s.produce.pendingBytes)} waiting for Kafka`);
    row('kafka', parts.join('   '));
  }
  for (const l of s.lag ?? []) {
    const partitions = Object.entries(l.partitions)
      .sort(([a], [b]) => Number(a) - Number(b))
      .map(([p, v]) => `${p}:${count(v)}`)
      .join(' ');
    row('lag', `${l.group} on ${l.topic}: ${count(l.total)} records   (partition:lag ${partitions})`);
  }
  if (s.ingest) {
    const i = s.ingest;
    row(
      'rows',
      [
        `${perSecond(i.rowsInserted)} inserted`,
        `${perSecond(i.duplicates)} duplicates`,
        `${perSecond(i.deadLetters)} dead-lettered${breakdown(i.deadLettersByReason)}`,
      ].join('   '),
    );
    const ch = [`insert ${latency(i.insertLatency)}`];
    if (i.rowsPerInsert !== undefined) ch.push(`${count(i.rowsPerInsert)} rows/insert`);
    ch.push(`${perSecond(i.insertFailures)} failing`);
    row('clickhouse', ch.join('   '));
    const delay = [`kafka→clickhouse ${latency(i.delay)}`];
    if (i.bufferedRows !== undefined) delay.push(`${count(i.bufferedRows)} rows buffered`);
    row('delay', delay.join('   '));
  }
  for (const q of s.queues ?? []) {
    const states = ['waiting', 'active', 'delayed', 'failed']
      .filter((k) => q.counts[k] !== undefined)
      .map((k) => `${count(q.counts[k]!)} ${k}`);
    row('queue', `${q.queue}: ${states.join('   ')}`);
  }
  if (s.actions) {
    row(
      'actions',
      `${perSecond(s.actions.perSecond)}${breakdown(s.actions.byOutcome)}   event→action ${latency(s.actions.latency)}`,
    );
    const campaigns = Object.entries(s.actions.byCampaign);
    if (campaigns.length > 0) row('campaigns', campaigns.map(([c, v]) => `${c} ${perSecond(v)}`).join('   '));
  }
  for (const m of s.models ?? []) {
    const fresh =
      m.freshnessSeconds === undefined ? '' : `   newest event ${duration(m.freshnessSeconds)} old`;
    row('model', `${m.model}: ${perSecond(m.updatesPerSecond, 'updates/s')}${fresh}`);
  }
  if (s.process) {
    const parts: string[] = [];
    if (s.process.cpuCores !== undefined) parts.push(`cpu ${s.process.cpuCores.toFixed(2)} cores`);
    if (s.process.residentBytes !== undefined) parts.push(`memory ${bytes(s.process.residentBytes)}`);
    row('process', parts.join('   '));
  }
  return lines;
}

const grouped = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1, minimumFractionDigits: 1 });

export function count(n: number): string {
  return grouped.format(n);
}

export function perSecond(n: number, unit = '/s'): string {
  const figure = n >= 100 || n === 0 ? grouped.format(n) : oneDecimal.format(n);
  return unit.startsWith('/') ? `${figure}${unit}` : `${figure} ${unit}`;
}

/** Seconds as a person reads them: 850 µs, 12.3 ms, 1.20 s, 3m 20s. */
export function duration(seconds: number): string {
  if (seconds < 0.001) return `${Math.round(seconds * 1e6)} µs`;
  if (seconds < 1) return `${(seconds * 1000).toFixed(1)} ms`;
  if (seconds < 60) return `${seconds.toFixed(2)} s`;
  const m = Math.floor(seconds / 60);
  return m < 60 ? `${m}m ${Math.round(seconds % 60)}s` : `${Math.floor(m / 60)}h ${m % 60}m`;
}

export function bytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${Math.round(v)} B` : `${v.toFixed(1)} ${units[u]}`;
}

function latency(p: Percentiles): string {
  if (p.p50 === undefined) return 'p50 –  p90 –  p99 –';
  return `p50 ${duration(p.p50)}  p90 ${duration(p.p90 ?? p.p50)}  p99 ${duration(p.p99 ?? p.p50)}`;
}

function breakdown(byKey: Record<string, number>): string {
  const entries = Object.entries(byKey);
  if (entries.length === 0) return '';
  return ` (${entries.map(([k, v]) => `${k || '-'} ${perSecond(v)}`).join(', ')})`;
}
