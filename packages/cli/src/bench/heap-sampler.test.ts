import { describe, expect, it } from 'vitest';
import { parseExposition } from '../status/exposition.js';
import { heapFigures } from './heap-sampler.js';

describe('heapFigures', () => {
  it('reads each series from a /metrics text, labels in any order', () => {
    const text = [
      '# HELP pulse_nodejs_heap_size_used_bytes Process heap size used from Node.js in bytes.',
      'pulse_nodejs_heap_size_used_bytes{service="ingest"} 104857600',
      'pulse_nodejs_heap_size_total_bytes{service="ingest"} 1.5e+8',
      'pulse_nodejs_external_memory_bytes{service="ingest"} 2048',
      'pulse_native_malloc_bytes{service="ingest",kind="free"} 7340032',
      'pulse_native_malloc_bytes{kind="in_use",service="ingest"} 52428800',
      'pulse_native_malloc_bytes{kind="mmapped",service="ingest"} 999',
      'pulse_clickhouse_engine_memory_bytes{kind="tracked",service="ingest"} 31457280',
      'pulse_clickhouse_engine_memory_bytes{kind="mark_cache",service="ingest"} 4096',
    ].join('\n');
    expect(heapFigures(parseExposition(text).samples)).toEqual({
      heap: 104857600,
      heap_total: 150000000,
      external: 2048,
      malloc_in_use: 52428800,
      malloc_free: 7340032,
      clickhouse: 31457280,
      clickhouse_mark_cache: 4096,
    });
  });

  it('leaves out what a service does not report (no trimmer: no malloc figures)', () => {
    const text = 'pulse_nodejs_heap_size_used_bytes{service="collector"} 5\n';
    expect(heapFigures(parseExposition(text).samples)).toEqual({ heap: 5 });
  });
});
