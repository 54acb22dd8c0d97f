import { rmSync } from 'node:fs';
import { type ClickHouseClient, createClickHouse, insertJsonEachRow, migrate } from '@pulse/clickhouse';
import { encodeStoredEvent } from '@pulse/events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { campaignReport, formatCampaignReport } from '../../packages/cli/src/report/campaign-report.js';
import { testDatabase } from '../support/chdb.js';
import { tempDir } from '../support/ids.js';
import { stored } from './trigger-harness.js';

const chdbPath = tempDir('pulse-report-chdb');
let clickhouse: ClickHouseClient;
const database = testDatabase();

beforeAll(async () => {
  clickhouse = createClickHouse({ database: 'default', chdbPath });
  await migrate(clickhouse, database);
});
afterAll(async () => {
  await clickhouse?.close();
  rmSync(chdbPath, { recursive: true, force: true });
});

const T0 = Date.UTC(2026, 0, 10, 12);
const iso = (ms: number) => new Date(ms).toISOString();

function decision(person: string, outcome: string, variant: string, at = T0) {
  return {
    campaign_id: 'promo',
    person,
    occasion: 'o1',
    job_id: `promo.${person}.o1`,
    outcome,
    reason: '',
    variant,
    channel: 'webhook',
    event_message_id: `m-${person}`,
    event_time: iso(at),
    decided_at: iso(at),
  };
}

function orderAt(person: string, at: number, n = 1) {
  return stored(
    {
      type: 'track',
      event: 'Order Completed',
      userId: person,
      messageId: `${person}-o${n}`,
      timestamp: iso(at),
      properties: { order_id: `${person}-${n}` },
    },
    new Date(at),
  );
}

describe('pulse report campaigns', () => {
  it('attributes orders within the window and compares treated with holdout and variants', async () => {
    const decisions = [
      ...Array.from({ length: 100 }, (_, i) => decision(`t${i}`, 'sent', i % 2 === 0 ? 'a' : 'b')),
      ...Array.from({ length: 100 }, (_, i) => decision(`h${i}`, 'held_out', i % 2 === 0 ? 'a' : 'b')),
      decision('x', 'suppressed', ''),
      // A failed send that was retried into a send: FINAL keeps the later decision.
      { ...decision('t0', 'failed', 'a'), decided_at: iso(T0 - 1000) },
    ];
    const orders = [
      // 30 treated convert within 2 hours (20 of variant a, 10 of b), 10 holdout do.
      ...Array.from({ length: 20 }, (_, i) => orderAt(`t${i * 2}`, T0 + 3_600_000)),
      ...Array.from({ length: 10 }, (_, i) => orderAt(`t${i * 2 + 1}`, T0 + 3_600_000)),
      ...Array.from({ length: 10 }, (_, i) => orderAt(`h${i}`, T0 + 7_200_000)),
      // Outside the window, or before the decision: not conversions.
      orderAt('t99', T0 + 80 * 3_600_000),
      orderAt('h99', T0 - 60_000),
      // Two orders of one person count once.
      orderAt('t0', T0 + 60_000, 2),
    ];
    await insertJsonEachRow(
      clickhouse,
      `${database}.trigger_decisions`,
      decisions.map((d) => JSON.stringify(d)).join('\n'),
      {},
    );
    await insertJsonEachRow(clickhouse, `${database}.events`, orders.map(encodeStoredEvent).join('\n'), {});

    const [report] = await campaignReport(clickhouse, database, 72);
    expect(report?.campaign).toBe('promo');
    expect(report?.sends).toBe(100);
    expect(report?.heldOut).toBe(100);
    expect(report?.other).toEqual({ suppressed: 1 });
    expect(report?.conversions).toEqual({ treated: 30, holdout: 10 });
    expect(report?.uplift?.uplift).toBeCloseTo(0.2, 10);
    // Two-proportion z-test: pooled p = 0.2, SE = sqrt(0.2*0.8*0.02) = 0.05657, z = 3.5355.
    expect(report?.uplift?.z).toBeCloseTo(3.5355, 3);
    expect(report?.uplift?.ci95[0]).toBeGreaterThan(0.08);
    expect(report?.variants.map((v) => [v.variant, v.n, v.conversions])).toEqual([
      ['a', 50, 20],
      ['b', 50, 10],
    ]);
    expect(report?.variantComparisons[0]?.comparison?.uplift).toBeCloseTo(-0.2, 10);
    expect(formatCampaignReport(report ? [report] : [], 72)).toMatch(/uplift \+20\.00 pp \(95% CI/);
  });
});
