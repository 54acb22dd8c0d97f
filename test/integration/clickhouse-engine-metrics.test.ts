import { rmSync } from 'node:fs';
import { createClickHouse, registerEmbeddedEngineMetrics } from '@pulse/clickhouse';
import { createMetricsRegistry } from '@pulse/common';
import { afterAll, describe, expect, it } from 'vitest';
import { testDatabase } from '../support/chdb.js';
import { tempDir } from '../support/ids.js';
import { metricValue } from '../support/metrics.js';

const chdbPath = tempDir('pulse-engine-metrics');
afterAll(() => rmSync(chdbPath, { recursive: true, force: true }));

// The embedded engine's memory is part of the service's process: its own account of it is what
// tells a service's RSS growth apart into Node's and the engine's.
describe("the embedded engine's figures in a service's /metrics", () => {
  it('exports tracked memory, jemalloc totals, pool threads, and active and outdated parts as the engine counts them', async () => {
    const client = createClickHouse({ database: testDatabase(), chdbPath });
    const registry = createMetricsRegistry('test', { defaultMetrics: false });
    registerEmbeddedEngineMetrics(registry, client);
    const db = testDatabase();
    const parts = (state: string) => metricValue(registry, 'pulse_clickhouse_engine_parts', { state });
    try {
      await client.command({ query: `CREATE DATABASE ${db}` });
      await client.command({ query: `CREATE TABLE ${db}.t (n UInt64) ENGINE = MergeTree ORDER BY n` });
      const activeBefore = await parts('active');
      for (let i = 0; i < 3; i++) {
        await client.command({ query: `INSERT INTO ${db}.t SELECT number FROM numbers(${i * 1000}, 1000)` });
      }
      expect(await parts('active')).toBe(activeBefore + 3);
      const outdatedBefore = await parts('outdated');
      // A merge replaces the three parts by one; the three stay, outdated, until old_parts_lifetime.
      await client.command({ query: `OPTIMIZE TABLE ${db}.t FINAL` });
      expect(await parts('active')).toBe(activeBefore + 1);
      expect(await parts('outdated')).toBe(outdatedBefore + 3);

      expect(
        await metricValue(registry, 'pulse_clickhouse_engine_memory_bytes', { kind: 'tracked' }),
      ).toBeGreaterThan(0);
      expect(
        await metricValue(registry, 'pulse_clickhouse_engine_threads', { state: 'pool' }),
      ).toBeGreaterThan(0);
      // jemalloc's totals: what it keeps resident covers at least what the engine holds.
      const jemalloc = (kind: string) =>
        metricValue(registry, 'pulse_clickhouse_engine_jemalloc_bytes', { kind });
      const allocated = await jemalloc('allocated');
      expect(allocated).toBeGreaterThan(0);
      expect(await jemalloc('resident')).toBeGreaterThanOrEqual(allocated);
      expect(await jemalloc('mapped')).toBeGreaterThanOrEqual(await jemalloc('resident'));
      const text = await registry.metrics();
      expect(text).toMatch(/pulse_clickhouse_engine_memory_bytes\{kind="mark_cache",service="test"\} \d+/);
    } finally {
      await client.command({ query: `DROP DATABASE IF EXISTS ${db}` });
      await client.close();
    }
    // Scraped after the client closed (a service shutting down): the last values, no failure.
    expect(await metricValue(registry, 'pulse_clickhouse_engine_parts', { state: 'active' })).toBeGreaterThan(
      0,
    );
  });

  it('exports nothing for a client of a ClickHouse server, which has its own /metrics', async () => {
    const client = createClickHouse({ url: 'http://127.0.0.1:1', database: 'pulse', chdbPath: 'unused' });
    const registry = createMetricsRegistry('test', { defaultMetrics: false });
    registerEmbeddedEngineMetrics(registry, client);
    expect(registry.getSingleMetric('pulse_clickhouse_engine_memory_bytes')).toBeUndefined();
    await client.close();
  });
});
