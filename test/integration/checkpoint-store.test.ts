import { rmSync } from 'node:fs';
import { type ClickHouseClient, createClickHouse, migrate, queryRows } from '@pulse/clickhouse';
import { CheckpointStore } from '@pulse/modeling';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabase } from '../support/chdb.js';
import { tempDir } from '../support/ids.js';

// The state goes into ClickHouse as a JSON object kept as its text: what comes back must be the
// same state, whatever its strings hold.
const chdbPath = tempDir('pulse-checkpoint-store');
const database = testDatabase();
let clickhouse: ClickHouseClient;

beforeAll(async () => {
  clickhouse = createClickHouse({ database, chdbPath });
  await migrate(clickhouse, database);
});

afterAll(async () => {
  await clickhouse.close();
  rmSync(chdbPath, { recursive: true, force: true });
});

describe('CheckpointStore', () => {
  it('gives back the newest state as written, with strings that need escaping', async () => {
    const store = new CheckpointStore(clickhouse, `${database}.model_checkpoints`, 'w1');
    const state = {
      segments: { names: ['quote " and \\ backslash', 'line\nbreak\ttab', 'é ü 日本 \u2028 \u0001', ''] },
      nested: { deep: [[1, 2.5, -0, 1e-300], { empty: {}, list: [] }], flag: true, none: null },
    };
    await store.write(1, store.encode(1, { events: { '0': '10' } }, { old: 1 }, 10));
    await store.write(2, store.encode(2, { events: { '0': '42', '1': '7' } }, state, 49));

    const latest = await store.latest();
    expect(latest?.version).toBe(2);
    expect(latest?.events).toBe(49);
    expect(latest?.offsets).toEqual({ events: { '0': '42', '1': '7' } });
    expect(latest?.state).toEqual(JSON.parse(JSON.stringify(state)));
  });

  it('keeps only the last versions of its own worker', async () => {
    const store = new CheckpointStore(clickhouse, `${database}.model_checkpoints`, 'w2', 2);
    const other = new CheckpointStore(clickhouse, `${database}.model_checkpoints`, 'w3', 2);
    await other.write(1, other.encode(1, {}, { mine: 'w3' }, 1));
    for (let version = 1; version <= 5; version++) {
      await store.write(version, store.encode(version, {}, { version }, version));
    }
    const rows = await queryRows<{ worker: string; version: string }>(
      clickhouse,
      `SELECT worker, version FROM ${database}.model_checkpoints WHERE worker IN ('w2', 'w3') ORDER BY worker, version`,
    );
    expect(rows.map((r) => `${r.worker}:${r.version}`)).toEqual(['w2:4', 'w2:5', 'w3:1']);
    expect((await store.latest())?.state).toEqual({ version: 5 });
    expect((await other.latest())?.state).toEqual({ mine: 'w3' });
  });
});
