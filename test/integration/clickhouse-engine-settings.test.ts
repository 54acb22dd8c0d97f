import { rmSync } from 'node:fs';
import { type ClickHouseClient, createClickHouse, EMBEDDED_ENGINE_ARGS, queryRows } from '@pulse/clickhouse';
import { afterAll, describe, expect, it } from 'vitest';
import { testDatabase } from '../support/chdb.js';
import { tempDir } from '../support/ids.js';

const chdbPath = tempDir('pulse-engine-settings');
afterAll(() => rmSync(chdbPath, { recursive: true, force: true }));

async function mergeNice(client: ClickHouseClient): Promise<string | undefined> {
  const rows = await queryRows<{ value: string }>(
    client,
    "SELECT value FROM system.server_settings WHERE name = 'os_threads_nice_value_merge_mutate'",
  );
  return rows[0]?.value;
}

describe('the embedded engine’s server settings', () => {
  it('start the engine with the defaults, and with a client’s own once the directory was let go', async () => {
    expect(EMBEDDED_ENGINE_ARGS).toContain('--os_threads_nice_value_merge_mutate=10');
    const first = createClickHouse({ database: testDatabase(), chdbPath });
    try {
      // Merges yield the CPU to the service's own work.
      expect(await mergeNice(first)).toBe('10');
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
});
