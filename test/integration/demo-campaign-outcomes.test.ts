import { rmSync } from 'node:fs';
import { type ClickHouseClient, createClickHouse, insertJsonEachRow, migrate } from '@pulse/clickhouse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { campaignOutcomes } from '../../packages/cli/src/demo/trigger-summary.js';
import { testDatabase } from '../support/chdb.js';
import { tempDir } from '../support/ids.js';

const chdbPath = tempDir('pulse-demo-outcomes-chdb');
let clickhouse: ClickHouseClient;

beforeAll(() => {
  clickhouse = createClickHouse({ database: 'default', chdbPath });
});

afterAll(async () => {
  await clickhouse?.close();
  rmSync(chdbPath, { recursive: true, force: true });
});

function decision(campaign: string, person: string, outcome: string, decidedAt: number) {
  return {
    campaign_id: campaign,
    person,
    occasion: 'o1',
    job_id: `${campaign}.${person}.o1`,
    outcome,
    reason: '',
    variant: 'v',
    channel: 'webhook',
    event_message_id: `m-${person}`,
    event_time: '2011-12-09 12:50:00.000',
    decided_at: new Date(decidedAt).toISOString().replace('T', ' ').replace('Z', ''),
  };
}

describe('the demo summary of campaign outcomes', () => {
  it('counts one decision per campaign, person and occasion, its latest, decided in this run', async () => {
    const database = testDatabase();
    await migrate(clickhouse, database);
    const since = Date.parse('2025-01-01T00:00:00Z');
    const rows = [
      // A job run twice (its lock lost) records the same decision twice: it folds into one.
      decision('win-back', 'p1', 'held_out', since + 1000),
      decision('win-back', 'p1', 'held_out', since + 1000),
      // A delivery that failed and was sent again later keeps its latest outcome.
      decision('win-back', 'p2', 'failed', since + 1000),
      decision('win-back', 'p2', 'sent', since + 5000),
      decision('win-back', 'p3', 'converted', since + 2000),
      decision('big-orders', 'p1', 'capped', since + 3000),
      // An earlier run on a shared server.
      decision('big-orders', 'p9', 'sent', since - 60_000),
    ];
    // Separate inserts, as the trigger flushes batches, with merges held back: the duplicates stay
    // in different parts, as they do until a background merge, and only FINAL folds them.
    await clickhouse.command({ query: `SYSTEM STOP MERGES ${database}.trigger_decisions` });
    for (const r of rows) {
      await insertJsonEachRow(clickhouse, `${database}.trigger_decisions`, JSON.stringify(r), {});
    }
    expect(await campaignOutcomes(clickhouse, database, since)).toEqual({
      'win-back': { held_out: 1, sent: 1, converted: 1 },
      'big-orders': { capped: 1 },
    });
  });
});
