import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import {
  type ClickHouseClient,
  createClickHouse,
  EMBEDDED_ENGINE_ARGS,
  EMBEDDED_ENGINE_MALLOC_CONF,
  queryRows,
} from '@pulse/clickhouse';
import { afterAll, describe, expect, it } from 'vitest';
import { testDatabase } from '../support/chdb.js';
import { REPO } from '../support/child.js';
import { tempDir } from '../support/ids.js';

const chdbPath = tempDir('pulse-engine-settings');
afterAll(() => rmSync(chdbPath, { recursive: true, force: true }));

async function serverSetting(client: ClickHouseClient, name: string): Promise<string | undefined> {
  const rows = await queryRows<{ value: string }>(
    client,
    'SELECT value FROM system.server_settings WHERE name = {name:String}',
    { name },
  );
  return rows[0]?.value;
}
const mergeNice = (client: ClickHouseClient) => serverSetting(client, 'os_threads_nice_value_merge_mutate');
const threads = () => Number(/Threads:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1]);

describe('the embedded engine’s server settings', () => {
  it('start the engine with the defaults, and with a client’s own once the directory was let go', async () => {
    expect(EMBEDDED_ENGINE_ARGS).toContain('--os_threads_nice_value_merge_mutate=10');
    const first = createClickHouse({ database: testDatabase(), chdbPath });
    try {
      // Merges yield the CPU to the service's own work.
      expect(await mergeNice(first)).toBe('10');
      // Outdated parts are removed by two threads, not a burst of 128 that then stay idle.
      expect(await serverSetting(first, 'max_parts_cleaning_thread_pool_size')).toBe('2');
    } finally {
      await first.close();
    }
    // Closing the client let the engine go: the next client of the directory starts it anew.
    const second = createClickHouse({
      database: testDatabase(),
      chdbPath,
      engineArgs: ['--os_threads_nice_value_merge_mutate=5'],
    });
    try {
      expect(await mergeNice(second)).toBe('5');
    } finally {
      await second.close();
    }
  });

  it('remove hundreds of outdated parts without growing the engine’s thread pool for good', async () => {
    const db = testDatabase();
    const client = createClickHouse({ database: db, chdbPath: `${chdbPath}-parts` });
    try {
      await client.command({ query: `CREATE DATABASE IF NOT EXISTS ${db}` });
      await client.command({
        query: `CREATE TABLE ${db}.t (k UInt64, s String) ENGINE = MergeTree ORDER BY k SETTINGS old_parts_lifetime = 1`,
      });
      // Every insert is a part; merges and the deletes' mutations leave the old ones outdated, and
      // more than 100 outdated at a time is when ClickHouse removes them concurrently.
      for (let i = 0; i < 300; i++) {
        await client.command({
          query: `INSERT INTO ${db}.t SELECT number + ${i * 1000}, repeat('x', 100) FROM numbers(1000)`,
        });
        if (i % 3 === 0) await client.command({ query: `DELETE FROM ${db}.t WHERE k < ${i * 500}` });
      }
      await expect
        .poll(
          async () => {
            const [row] = await queryRows<{ outdated: string }>(
              client,
              `SELECT countIf(NOT active) AS outdated FROM system.parts WHERE database = '${db}' AND table = 't'`,
            );
            return Number(row?.outdated);
          },
          { timeout: 60_000, interval: 1000 },
        )
        .toBe(0);
      // One engine and Node's own threads are about 35; with ClickHouse's default pool of 128
      // cleaning threads the process went past 160 and stayed there (an absolute bound, so that a
      // retry in the same process cannot pass by starting from the grown pool).
      expect(threads()).toBeLessThan(100);
    } finally {
      await client.close();
      rmSync(`${chdbPath}-parts`, { recursive: true, force: true });
    }
  }, 120_000);
});

/**
 * The engine's jemalloc reads its options once, when the library loads: each case is a fresh Node
 * process (as a service is), which loads the engine through createClickHouse and reports what its
 * jemalloc runs with.
 */
function engineDirtyDecayMs(env: Record<string, string | undefined>): number {
  const script = `
    const { createClickHouse } = await import('./packages/clickhouse/src/index.ts');
    const client = createClickHouse({ database: 'pulse', chdbPath: process.argv[1] });
    const rows = await (await client.query({ query: 'SELECT stats FROM system.jemalloc_stats', format: 'JSONEachRow' })).json();
    await client.close();
    console.log(/opt\\.dirty_decay_ms: (\\d+)/.exec(rows[0].stats)?.[1] ?? 'none');
  `;
  const dir = tempDir('pulse-engine-malloc');
  try {
    const out = execFileSync(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script, dir],
      { cwd: REPO, env: { ...process.env, JE_MALLOC_CONF: undefined, ...env }, encoding: 'utf8' },
    );
    return Number(out.trim().split('\n').at(-1));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('the embedded engine’s allocator', () => {
  it('gives freed pages back after 1 s instead of 5 s, unless the operator set JE_MALLOC_CONF', () => {
    expect(EMBEDDED_ENGINE_MALLOC_CONF).toBe('dirty_decay_ms:1000');
    expect(engineDirtyDecayMs({})).toBe(1000);
    expect(engineDirtyDecayMs({ JE_MALLOC_CONF: 'dirty_decay_ms:3000' })).toBe(3000);
  }, 60_000);
});
