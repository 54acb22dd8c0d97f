import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface IngestMetrics {
  records: Counter<'outcome'>;
  batchRows: Histogram;
  insertDuration: Histogram;
  insertRows: Counter;
  insertFailures: Counter<'kind'>;
  deadLetters: Counter<'reason'>;
  bufferedRows: Gauge;
  commitFailures: Counter;
  delay: Histogram;
}

/** Label values known in advance, exported as zeros from the start so dashboards and alerts see them before the first one happens. */
const RECORD_OUTCOMES = ['row', 'duplicate', 'dead_letter', 'regulated'];
const INSERT_FAILURE_KINDS = ['unavailable', 'rejected'];
export const DEAD_LETTER_REASONS = ['empty_value', 'invalid_event', 'clickhouse_rejected'];

export function createIngestMetrics(registry: Registry): IngestMetrics {
  const metrics: IngestMetrics = {
    records: new Counter({
      name: 'pulse_ingest_records_total',
      help: 'Kafka records consumed, by outcome (row, duplicate, dead_letter, regulated: a suppressed or deleted person, not stored)',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    batchRows: new Histogram({
      name: 'pulse_ingest_batch_rows',
      help: 'Rows per ClickHouse insert',
      buckets: [1, 10, 100, 1000, 5000, 10_000, 20_000, 50_000, 100_000],
      registers: [registry],
    }),
    insertDuration: new Histogram({
      name: 'pulse_clickhouse_insert_duration_seconds',
      help: 'Time for one successful ClickHouse insert',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    insertRows: new Counter({
      name: 'pulse_clickhouse_insert_rows_total',
      help: 'Rows inserted into ClickHouse',
      registers: [registry],
    }),
    insertFailures: new Counter({
      name: 'pulse_clickhouse_insert_failures_total',
      help: 'Failed ClickHouse inserts, by kind (unavailable: retried; rejected: rows split and refused ones dead-lettered)',
      labelNames: ['kind'],
      registers: [registry],
    }),
    deadLetters: new Counter({
      name: 'pulse_dead_letters_total',
      help: 'Records sent to the dead-letter topic, by reason',
      labelNames: ['reason'],
      registers: [registry],
    }),
    bufferedRows: new Gauge({
      name: 'pulse_ingest_buffered_rows',
      help: 'Rows consumed and not yet in ClickHouse (the batch being inserted or retried included)',
      registers: [registry],
    }),
    commitFailures: new Counter({
      name: 'pulse_ingest_commit_failures_total',
      help: 'Offset commits that failed after a successful insert (the records are consumed again and deduplicated)',
      registers: [registry],
    }),
    delay: new Histogram({
      name: 'pulse_ingest_delay_seconds',
      help: 'Time from the oldest event of an insert reaching Kafka to the insert completing: how far ClickHouse trails the collector',
      buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 900, 3600],
      registers: [registry],
    }),
  };
  for (const outcome of RECORD_OUTCOMES) metrics.records.inc({ outcome }, 0);
  for (const kind of INSERT_FAILURE_KINDS) metrics.insertFailures.inc({ kind }, 0);
  for (const reason of DEAD_LETTER_REASONS) metrics.deadLetters.inc({ reason }, 0);
  return metrics;
}
