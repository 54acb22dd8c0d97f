import { describe, expect, it } from 'vitest';
import { parseExposition } from './exposition.js';
import { bytes, duration, perSecond, renderStatus } from './render.js';
import { statusReport } from './report.js';
import type { Scrape, Target } from './scrape.js';

const COLLECTOR: Target = { name: 'collector', url: 'http://127.0.0.1:8080' };
const INGEST: Target = { name: 'ingest', url: 'http://127.0.0.1:9102' };
const MODELING: Target = { name: 'modeling', url: 'http://127.0.0.1:9103' };

/** The collector's /metrics as prom-client writes it, after `n` thousand accepted events. */
function collectorText(n: number): string {
  return `# HELP pulse_http_requests_total HTTP requests answered, by route and status code
# TYPE pulse_http_requests_total counter
pulse_http_requests_total{route="/v1/batch",status="200",service="collector"} ${n * 10}
pulse_http_requests_total{route="/v1/batch",status="400",service="collector"} ${n}
pulse_http_requests_total{route="/metrics",status="200",service="collector"} ${n * 100}
# TYPE pulse_http_request_duration_seconds histogram
pulse_http_request_duration_seconds_bucket{le="0.005",route="/v1/batch",service="collector"} ${n * 5}
pulse_http_request_duration_seconds_bucket{le="0.01",route="/v1/batch",service="collector"} ${n * 10}
pulse_http_request_duration_seconds_bucket{le="0.05",route="/v1/batch",service="collector"} ${n * 11}
pulse_http_request_duration_seconds_bucket{le="+Inf",route="/v1/batch",service="collector"} ${n * 11}
pulse_http_request_duration_seconds_bucket{le="0.005",route="/metrics",service="collector"} 0
pulse_http_request_duration_seconds_bucket{le="+Inf",route="/metrics",service="collector"} ${n * 100}
# TYPE pulse_collector_events_total counter
pulse_collector_events_total{outcome="accepted",reason="",service="collector"} ${n * 1000}
pulse_collector_events_total{outcome="unavailable",reason="kafka",service="collector"} 0
pulse_collector_events_total{outcome="rejected",reason="required",service="collector"} ${n * 2}
pulse_collector_events_total{outcome="rejected",reason="too_large",service="collector"} 7
# TYPE pulse_kafka_produce_duration_seconds histogram
pulse_kafka_produce_duration_seconds_bucket{le="0.001",outcome="ok",service="collector"} 0
pulse_kafka_produce_duration_seconds_bucket{le="0.0025",outcome="ok",service="collector"} ${n * 4}
pulse_kafka_produce_duration_seconds_bucket{le="+Inf",outcome="ok",service="collector"} ${n * 4}
pulse_kafka_produce_duration_seconds_sum{outcome="ok",service="collector"} ${n * 0.008}
pulse_kafka_produce_duration_seconds_count{outcome="ok",service="collector"} ${n * 4}
# TYPE pulse_kafka_produce_batch_messages histogram
pulse_kafka_produce_batch_messages_bucket{le="+Inf",service="collector"} ${n * 4}
pulse_kafka_produce_batch_messages_sum{service="collector"} ${n * 1000}
pulse_kafka_produce_batch_messages_count{service="collector"} ${n * 4}
# TYPE pulse_kafka_producer_pending_bytes gauge
pulse_kafka_producer_pending_bytes{service="collector"} 2048
# TYPE pulse_process_cpu_seconds_total counter
pulse_process_cpu_seconds_total{service="collector"} ${n * 0.1}
# TYPE pulse_process_resident_memory_bytes gauge
pulse_process_resident_memory_bytes{service="collector"} 157286400
`;
}

function ingestText(rows: number, lag: [number, number]): string {
  return `# TYPE pulse_ingest_records_total counter
pulse_ingest_records_total{outcome="row",service="ingest"} ${rows}
pulse_ingest_records_total{outcome="duplicate",service="ingest"} 10
pulse_ingest_records_total{outcome="dead_letter",service="ingest"} ${rows / 1000}
# TYPE pulse_clickhouse_insert_rows_total counter
pulse_clickhouse_insert_rows_total{service="ingest"} ${rows}
# TYPE pulse_clickhouse_insert_failures_total counter
pulse_clickhouse_insert_failures_total{kind="unavailable",service="ingest"} 0
pulse_clickhouse_insert_failures_total{kind="rejected",service="ingest"} 0
# TYPE pulse_dead_letters_total counter
pulse_dead_letters_total{reason="invalid_event",service="ingest"} ${rows / 1000}
pulse_dead_letters_total{reason="empty_value",service="ingest"} 0
# TYPE pulse_clickhouse_insert_duration_seconds histogram
pulse_clickhouse_insert_duration_seconds_bucket{le="0.05",service="ingest"} ${rows / 10_000}
pulse_clickhouse_insert_duration_seconds_bucket{le="0.1",service="ingest"} ${rows / 10_000}
pulse_clickhouse_insert_duration_seconds_bucket{le="+Inf",service="ingest"} ${rows / 10_000}
# TYPE pulse_ingest_batch_rows histogram
pulse_ingest_batch_rows_bucket{le="+Inf",service="ingest"} ${rows / 10_000}
pulse_ingest_batch_rows_sum{service="ingest"} ${rows}
pulse_ingest_batch_rows_count{service="ingest"} ${rows / 10_000}
# TYPE pulse_ingest_delay_seconds histogram
pulse_ingest_delay_seconds_bucket{le="1",service="ingest"} 0
pulse_ingest_delay_seconds_bucket{le="2",service="ingest"} ${rows / 10_000}
pulse_ingest_delay_seconds_bucket{le="+Inf",service="ingest"} ${rows / 10_000}
# TYPE pulse_ingest_buffered_rows gauge
pulse_ingest_buffered_rows{service="ingest"} 4200
# TYPE pulse_kafka_consumer_lag gauge
pulse_kafka_consumer_lag{group="pulse-ingest",topic="pulse.events",partition="0",service="ingest"} ${lag[0]}
pulse_kafka_consumer_lag{group="pulse-ingest",topic="pulse.events",partition="1",service="ingest"} ${lag[1]}
`;
}

function scrapeOf(
  target: Target,
  at: number,
  text: string | undefined,
  ready = true,
  reasons: string[] = [],
): Scrape {
  return text === undefined
    ? { target, at, error: 'ECONNREFUSED', reasons: [] }
    : { target, at, metrics: parseExposition(text), ready, reasons };
}

const T0 = Date.UTC(2024, 4, 1, 10, 0, 0);

describe('pulse status', () => {
  const report = statusReport(
    [
      scrapeOf(COLLECTOR, T0, collectorText(1)),
      scrapeOf(INGEST, T0, ingestText(100_000, [0, 0])),
      scrapeOf(MODELING, T0, undefined),
    ],
    [
      scrapeOf(COLLECTOR, T0 + 2000, collectorText(3)),
      scrapeOf(INGEST, T0 + 2000, ingestText(140_000, [1500, 250]), false, [
        'consumer group pulse-ingest is falling behind on pulse.events: lag grew from 10 to 1750 records in 60 s',
      ]),
      scrapeOf(MODELING, T0 + 2000, undefined),
    ],
  );

  it('turns two scrapes into rates and percentiles over the window between them', () => {
    expect(report.seconds).toBe(2);
    const [collector, ingest, modeling] = report.services;
    expect(collector).toMatchObject({
      up: true,
      ready: true,
      // 2000 more accepted events in 2 s; rejections by reason; unchanged series left out.
      events: { accepted: 1000, rejected: 2, unavailable: 0, rejectedByReason: { required: 2 } },
      // Only event routes: /metrics scrapes are not traffic.
      http: { perSecond: 11, byStatus: { '200': 10, '400': 1 } },
      produce: { messagesPerRequest: 250, pendingBytes: 2048 },
      process: { residentBytes: 157286400 },
    });
    expect(collector!.process!.cpuCores).toBeCloseTo(0.1);
    // 22 requests in the window: 10 ≤ 5 ms, 10 in (5, 10] ms, 2 in (10, 50] ms.
    expect(collector!.http!.latency.p50).toBeCloseTo(0.0055, 6);
    expect(collector!.http!.latency.p99).toBeCloseTo(0.0456, 6);
    expect(ingest).toMatchObject({
      up: true,
      ready: false,
      ingest: {
        rowsInserted: 20_000,
        duplicates: 0,
        deadLetters: 20,
        deadLettersByReason: { invalid_event: 20 },
        insertFailures: 0,
        rowsPerInsert: 10_000,
        bufferedRows: 4200,
      },
      lag: [
        { group: 'pulse-ingest', topic: 'pulse.events', total: 1750, partitions: { '0': 1500, '1': 250 } },
      ],
    });
    expect(ingest!.ingest!.delay.p50).toBeCloseTo(1.5, 6);
    expect(modeling).toMatchObject({ up: false, error: 'ECONNREFUSED' });
  });

  it('renders one block per service a person can scan', () => {
    const text = renderStatus(report);
    expect(text).toContain('Pulse status at 2024-05-01T10:00:02.000Z (rates over 2.0 s)');
    const lines = text.split('\n');
    const line = (start: string) =>
      lines.find((l) => l.trimStart().startsWith(start)) ?? `(no line ${start})`;
    expect(line('collector')).toBe('collector  http://127.0.0.1:8080  ready');
    expect(line('events')).toBe(
      '  events      1,000/s accepted   2.0/s rejected (required 2.0/s)   0/s unavailable',
    );
    expect(line('http')).toBe(
      '  http        11.0 req/s (200 10.0/s, 400 1.0/s)   p50 5.5 ms  p90 9.9 ms  p99 45.6 ms',
    );
    expect(line('kafka')).toBe(
      '  kafka       produce p50 1.8 ms  p90 2.4 ms  p99 2.5 ms   250 records/request   2.0 KiB waiting for Kafka',
    );
    expect(line('ingest')).toBe(
      'ingest     http://127.0.0.1:9102  NOT READY: consumer group pulse-ingest is falling behind on pulse.events: lag grew from 10 to 1750 records in 60 s',
    );
    expect(line('lag')).toBe(
      '  lag         pulse-ingest on pulse.events: 1,750 records   (partition:lag 0:1,500 1:250)',
    );
    expect(line('rows')).toBe(
      '  rows        20,000/s inserted   0/s duplicates   20.0/s dead-lettered (invalid_event 20.0/s)',
    );
    expect(line('clickhouse')).toBe(
      '  clickhouse  insert p50 25.0 ms  p90 45.0 ms  p99 49.5 ms   10,000 rows/insert   0/s failing',
    );
    expect(line('delay')).toBe(
      '  delay       kafka→clickhouse p50 1.50 s  p90 1.90 s  p99 1.99 s   4,200 rows buffered',
    );
    expect(line('modeling')).toBe('modeling   http://127.0.0.1:9103  DOWN: ECONNREFUSED');
  });

  it('shows queues, actions and models for the services that export them', () => {
    const text = `pulse_queue_jobs{queue="campaign-actions",state="waiting"} 12
pulse_queue_jobs{queue="campaign-actions",state="active"} 2
pulse_actions_total{campaign="welcome",channel="webhook",outcome="delivered"} ${0}
pulse_actions_total{campaign="big-orders",channel="log",outcome="held_out"} 7
pulse_http_requests_total{route="/campaigns/:id",status="200"} 0
pulse_http_requests_total{route="/metrics",status="200"} 0
pulse_event_to_action_seconds_bucket{le="0.5",channel="webhook"} 0
pulse_event_to_action_seconds_bucket{le="+Inf",channel="webhook"} 0
pulse_model_updates_total{model="item-similarity"} 100
pulse_model_freshness_seconds{model="item-similarity"} 4.2
`;
    const later = text
      .replace('outcome="delivered"} 0', 'outcome="delivered"} 30')
      .replace('outcome="held_out"} 7', 'outcome="held_out"} 13')
      .replace('id",status="200"} 0', 'id",status="200"} 3')
      .replace('metrics",status="200"} 0', 'metrics",status="200"} 300')
      .replace('le="0.5",channel="webhook"} 0', 'le="0.5",channel="webhook"} 30')
      .replace('le="+Inf",channel="webhook"} 0', 'le="+Inf",channel="webhook"} 30')
      .replace('} 100', '} 160');
    const rendered = renderStatus(
      statusReport(
        [scrapeOf({ name: 'trigger', url: 'http://t' }, T0, text)],
        [scrapeOf({ name: 'trigger', url: 'http://t' }, T0 + 3000, later)],
      ),
    );
    expect(rendered).toContain('  queue       campaign-actions: 12 waiting   2 active');
    expect(rendered).toContain(
      '  actions     12.0/s (delivered 10.0/s, held_out 2.0/s)   event→action p50 250.0 ms  p90 450.0 ms  p99 495.0 ms',
    );
    expect(rendered).toContain('  campaigns   big-orders 2.0/s   welcome 10.0/s');
    // The campaign API counts; scrapes of /metrics do not.
    expect(rendered).toContain('  http        1.0 req/s (200 1.0/s)   p50 –  p90 –  p99 –');
    expect(rendered).toContain('  model       item-similarity: 20.0 updates/s   newest event 4.20 s old');
  });

  it('formats figures for people', () => {
    expect(duration(0.00042)).toBe('420 µs');
    expect(duration(0.0123)).toBe('12.3 ms');
    expect(duration(200)).toBe('3m 20s');
    expect(duration(7300)).toBe('2h 1m');
    expect(bytes(512)).toBe('512 B');
    expect(bytes(3 * 1024 * 1024)).toBe('3.0 MiB');
    expect(perSecond(12_345.6)).toBe('12,346/s');
    expect(perSecond(0.25)).toBe('0.3/s');
  });
});
