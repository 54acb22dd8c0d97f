import type { ClickHouseClient } from '@clickhouse/client';
import { Gauge, type Registry } from 'prom-client';
import { isEmbedded } from './client.js';

/**
 * system.metrics rows worth exporting from an embedded engine, by the gauge and label they go to.
 * A ClickHouse server exports these itself (its own /metrics); an embedded one lives in the
 * service's process, and its memory is part of that process's: without these, RSS growth in a
 * service cannot be told apart into Node's and the engine's.
 */
const ENGINE_METRICS = {
  MemoryTracking: ['memory', 'tracked'],
  MarkCacheBytes: ['memory', 'mark_cache'],
  PrimaryIndexCacheBytes: ['memory', 'primary_index_cache'],
  QueryConditionCacheBytes: ['memory', 'query_condition_cache'],
  UncompressedCacheBytes: ['memory', 'uncompressed_cache'],
  PartsActive: ['parts', 'active'],
  PartsOutdated: ['parts', 'outdated'],
  GlobalThread: ['threads', 'pool'],
  GlobalThreadActive: ['threads', 'active'],
} as const satisfies Record<string, readonly ['memory' | 'parts' | 'threads', string]>;

type EngineMetric = keyof typeof ENGINE_METRICS;

const QUERY = `SELECT metric, toFloat64(value) AS value FROM system.metrics WHERE metric IN (${Object.keys(
  ENGINE_METRICS,
)
  .map((m) => `'${m}'`)
  .join(', ')})`;

/**
 * Reads the engine's figures once per scrape, for all three gauges. A failed read (the client
 * closing during shutdown) leaves the last values: a scrape must not fail for it.
 */
function engineReader(client: ClickHouseClient): () => Promise<Map<EngineMetric, number>> {
  let last = new Map<EngineMetric, number>();
  let pending: Promise<Map<EngineMetric, number>> | undefined;
  const read = async () => {
    try {
      const rows = await (await client.query({ query: QUERY, format: 'JSONEachRow' })).json<{
        metric: EngineMetric;
        value: number;
      }>();
      last = new Map(rows.map((r) => [r.metric, r.value]));
    } catch {
      // Keep the last reading.
    }
    return last;
  };
  // The three gauges collect in the same scrape: one query answers them all.
  return () => {
    pending ??= read().finally(() => {
      setImmediate(() => {
        pending = undefined;
      });
    });
    return pending;
  };
}

/**
 * `pulse_clickhouse_engine_{memory_bytes,parts,threads}` from an embedded engine's system.metrics;
 * nothing for a client of a server.
 */
export function registerEmbeddedEngineMetrics(registry: Registry, client: ClickHouseClient): void {
  if (!isEmbedded(client)) return;
  const read = engineReader(client);
  const gauge = (group: 'memory' | 'parts' | 'threads', name: string, help: string, label: string) =>
    new Gauge({
      name,
      help,
      labelNames: [label],
      registers: [registry],
      async collect() {
        const values = await read();
        for (const [metric, [g, value]] of Object.entries(ENGINE_METRICS) as Array<
          [EngineMetric, readonly [string, string]]
        >) {
          if (g !== group) continue;
          const v = values.get(metric);
          if (v !== undefined) this.set({ [label]: value }, v);
        }
      },
    });
  gauge(
    'memory',
    'pulse_clickhouse_engine_memory_bytes',
    "The embedded ClickHouse engine's memory: tracked (all it allocated and holds), and its caches",
    'kind',
  );
  gauge(
    'parts',
    'pulse_clickhouse_engine_parts',
    'Data parts of the embedded engine: active, and outdated (merged away, kept until old_parts_lifetime)',
    'state',
  );
  gauge(
    'threads',
    'pulse_clickhouse_engine_threads',
    "Threads of the embedded engine's global pool: pool (all, idle ones included), active",
    'state',
  );
}
