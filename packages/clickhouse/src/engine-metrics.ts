import type { ClickHouseClient } from '@clickhouse/client';
import { Gauge, type Registry } from 'prom-client';
import { isEmbedded } from './client.js';
import { type JemallocSummary, parseJemallocSummary } from './jemalloc-summary.js';

/**
 * The gauges, each with the rows it exports (from system.metrics, or from jemalloc's totals) and
 * the label value of each. A
 * ClickHouse server exports these itself (its own /metrics); an embedded one lives in the
 * service's process, and its memory is part of that process's: without these, RSS growth in a
 * service cannot be told apart into Node's and the engine's.
 */
const GAUGES = [
  {
    name: 'pulse_clickhouse_engine_memory_bytes',
    help: "The embedded ClickHouse engine's memory: tracked (all it allocated and holds), and its caches",
    label: 'kind',
    rows: {
      MemoryTracking: 'tracked',
      MarkCacheBytes: 'mark_cache',
      PrimaryIndexCacheBytes: 'primary_index_cache',
      QueryConditionCacheBytes: 'query_condition_cache',
      UncompressedCacheBytes: 'uncompressed_cache',
    },
  },
  {
    // The engine allocates through its own jemalloc: what it keeps resident beyond what it tracks
    // (freed pages not yet purged, fragmentation, metadata) is in no other figure of the process.
    name: 'pulse_clickhouse_engine_jemalloc_bytes',
    help: "The embedded engine's jemalloc, by its own totals: allocated, active, metadata, resident, mapped, retained",
    label: 'kind',
    source: 'jemalloc',
    rows: {
      'jemalloc.allocated': 'allocated',
      'jemalloc.active': 'active',
      'jemalloc.metadata': 'metadata',
      'jemalloc.resident': 'resident',
      'jemalloc.mapped': 'mapped',
      'jemalloc.retained': 'retained',
    },
  },
  {
    name: 'pulse_clickhouse_engine_parts',
    help: 'Data parts of the embedded engine: active, and outdated (merged away, kept until old_parts_lifetime)',
    label: 'state',
    rows: { PartsActive: 'active', PartsOutdated: 'outdated' },
  },
  {
    name: 'pulse_clickhouse_engine_threads',
    help: "Threads of the embedded engine's global pool: pool (all, idle ones included), active",
    label: 'state',
    rows: { GlobalThread: 'pool', GlobalThreadActive: 'active' },
  },
] as const satisfies ReadonlyArray<{
  name: string;
  help: string;
  label: string;
  /** Where the rows come from (default system.metrics). */
  source?: 'jemalloc';
  rows: Record<string, string>;
}>;

const QUERY = `SELECT metric, toFloat64(value) AS value FROM system.metrics WHERE metric IN (${GAUGES.flatMap(
  (g) => ('source' in g ? [] : Object.keys(g.rows)),
)
  .map((m) => `'${m}'`)
  .join(', ')})`;

/** The engine's jemalloc totals; none when the engine has no jemalloc or the table is missing. */
async function readJemalloc(client: ClickHouseClient): Promise<JemallocSummary | undefined> {
  try {
    const rows = await (
      await client.query({ query: 'SELECT stats FROM system.jemalloc_stats', format: 'JSONEachRow' })
    ).json<{ stats: string }>();
    return parseJemallocSummary(rows[0]?.stats ?? '');
  } catch {
    return undefined;
  }
}

/**
 * Reads the engine's figures once per scrape, for all the gauges. A failed read (the client
 * closing during shutdown) leaves the last values: a scrape must not fail for it.
 */
function engineReader(client: ClickHouseClient): () => Promise<Map<string, number>> {
  let last = new Map<string, number>();
  let pending: Promise<Map<string, number>> | undefined;
  const read = async () => {
    try {
      const rows = await (await client.query({ query: QUERY, format: 'JSONEachRow' })).json<{
        metric: string;
        value: number;
      }>();
      const next = new Map(rows.map((r) => [r.metric, r.value]));
      for (const [kind, bytes] of Object.entries((await readJemalloc(client)) ?? {}))
        next.set(`jemalloc.${kind}`, bytes);
      last = next;
    } catch {
      // Keep the last reading.
    }
    return last;
  };
  // The gauges collect in the same scrape: one reading answers them all.
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
 * `pulse_clickhouse_engine_{memory_bytes,jemalloc_bytes,parts,threads}` from an embedded engine's
 * system.metrics and system.jemalloc_stats;
 * nothing for a client of a server.
 */
export function registerEmbeddedEngineMetrics(registry: Registry, client: ClickHouseClient): void {
  if (!isEmbedded(client)) return;
  const read = engineReader(client);
  for (const { name, help, label, rows } of GAUGES) {
    new Gauge({
      name,
      help,
      labelNames: [label],
      registers: [registry],
      async collect() {
        const values = await read();
        for (const [metric, labelValue] of Object.entries(rows)) {
          const v = values.get(metric);
          if (v !== undefined) this.set({ [label]: labelValue }, v);
        }
      },
    });
  }
}
