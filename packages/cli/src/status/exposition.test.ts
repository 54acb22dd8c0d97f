import { describe, expect, it } from 'vitest';
import { ExpositionError, parseExposition } from './exposition.js';

describe('parseExposition', () => {
  it('reads samples, labels, types and special values as prom-client writes them', () => {
    const text = [
      '# HELP pulse_http_requests_total HTTP requests answered, by route and status code',
      '# TYPE pulse_http_requests_total counter',
      'pulse_http_requests_total{route="/v1/batch",status="200",service="collector"} 1234',
      'pulse_http_requests_total{route="/v1/batch",status="400",service="collector"} 5',
      '',
      '# TYPE pulse_ingest_buffered_rows gauge',
      'pulse_ingest_buffered_rows 0',
      '# TYPE pulse_clickhouse_insert_duration_seconds histogram',
      'pulse_clickhouse_insert_duration_seconds_bucket{le="0.5"} 3',
      'pulse_clickhouse_insert_duration_seconds_bucket{le="+Inf"} 4',
      'pulse_clickhouse_insert_duration_seconds_sum 1.25e-1',
      'weird{a="quote \\" and backslash \\\\ and\\nnewline",b=""} NaN 1700000000000',
      'negative -Inf',
    ].join('\n');
    const { samples, types } = parseExposition(text);
    expect(types.get('pulse_http_requests_total')).toBe('counter');
    expect(types.get('pulse_clickhouse_insert_duration_seconds')).toBe('histogram');
    expect(samples.slice(0, 3)).toEqual([
      {
        name: 'pulse_http_requests_total',
        labels: { route: '/v1/batch', status: '200', service: 'collector' },
        value: 1234,
      },
      {
        name: 'pulse_http_requests_total',
        labels: { route: '/v1/batch', status: '400', service: 'collector' },
        value: 5,
      },
      { name: 'pulse_ingest_buffered_rows', labels: {}, value: 0 },
    ]);
    expect(samples[4]).toMatchObject({ labels: { le: '+Inf' }, value: 4 });
    expect(samples[5]!.value).toBe(0.125);
    expect(samples[6]!.labels).toEqual({ a: 'quote " and backslash \\ and\nnewline', b: '' });
    expect(samples[6]!.value).toBeNaN();
    expect(samples[7]!.value).toBe(Number.NEGATIVE_INFINITY);
  });

  it('names the line it cannot read', () => {
    expect(() => parseExposition('ok 1\nbroken{a="1" 2')).toThrow(ExpositionError);
    expect(() => parseExposition('ok 1\nbroken{a="1" 2')).toThrow(/line 2/);
    expect(() => parseExposition('no_value')).toThrow(/no_value has no readable value/);
    expect(() => parseExposition('{a="b"} 1')).toThrow(/expected a metric name/);
  });
});
