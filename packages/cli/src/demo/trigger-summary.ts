import { type ClickHouseClient, queryRows } from '@pulse/clickhouse';
import { sleep } from '@pulse/common';
import type { Campaign, Trigger } from '@pulse/trigger';

/** Per campaign: decisions by outcome (sent, held_out, capped, suppressed, failed, converted, ...). */
export type CampaignOutcomes = Record<string, Record<string, number>>;

/** One campaign's run: what opened occasions and what became of them. */
export interface CampaignReport {
  trigger: string;
  /** Occasions decided: the sum of every outcome. */
  decided: number;
  /** Delivered to the channel (the receiver answered 2xx): decisions `sent`. */
  fired: number;
  held_out: number;
  suppressed: number;
  capped: number;
  failed: number;
  /** The other outcomes: converted (ordered before the wait ended), not_in_audience, inactive. */
  other: Record<string, number>;
}

export interface CampaignsSummary {
  campaigns: Record<string, CampaignReport>;
  /** Lookups of the modeling API for {{recommendations}}, by outcome (ok, unknown_user, failed). */
  recommendation_lookups: Record<string, number>;
  /** Jobs still queued when the figures were read (0 once everything due was decided and delivered). */
  pending_jobs: number;
}

const QUEUE_STATES = ['waiting', 'active', 'prioritized', 'delayed'] as const;

/**
 * Waits until the trigger has read every segment change the modeling service published so far and
 * every occasion, delayed ones included (cart and win-back waits), has been decided and delivered.
 * Returns the jobs still queued at the deadline. The segment-changes topic is written in
 * transactions, whose markers keep a consumer group's lag above zero, so progress is compared by
 * count instead.
 */
export async function waitForCampaigns(
  trigger: Trigger,
  publishedChanges: () => number,
  timeoutMs: number,
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const read = sum(await counterValues(trigger.registry, 'pulse_trigger_segment_changes_total'));
    const queued = await queuedJobs(trigger, QUEUE_STATES);
    if ((read >= publishedChanges() && queued === 0) || Date.now() > deadline) return queued;
    await sleep(250);
  }
}

/**
 * The trigger's decisions of this run, from ClickHouse with FINAL: one per campaign, person and
 * occasion, its latest outcome. (The pulse_actions_total metric counts every execution, so a job
 * that runs again, retried or taken up after stalling, counts twice there and once here.) Rows decided before `sinceMs`
 * belong to earlier runs on a shared server.
 */
export async function campaignOutcomes(
  clickhouse: ClickHouseClient,
  database: string,
  sinceMs: number,
): Promise<CampaignOutcomes> {
  const rows = await queryRows<{ campaign_id: string; outcome: string; n: string }>(
    clickhouse,
    `SELECT campaign_id, outcome, count() AS n
     FROM (SELECT campaign_id, outcome, decided_at FROM ${database}.trigger_decisions FINAL)
     WHERE decided_at >= fromUnixTimestamp64Milli(toInt64(${Math.floor(sinceMs)}))
     GROUP BY campaign_id, outcome`,
  );
  const out: CampaignOutcomes = {};
  for (const r of rows) {
    out[r.campaign_id] ??= {};
    out[r.campaign_id]![r.outcome] = Number(r.n);
  }
  return out;
}

/** Every campaign the trigger runs with its outcomes (zeros included), after the decisions are flushed to ClickHouse. */
export async function campaignsSummary(
  trigger: Trigger,
  clickhouse: { client: ClickHouseClient; database: string; sinceMs: number },
  pendingJobs: number,
): Promise<CampaignsSummary> {
  await trigger.decisions.flush();
  const outcomes = await campaignOutcomes(clickhouse.client, clickhouse.database, clickhouse.sinceMs);
  const campaigns: Record<string, CampaignReport> = {};
  for (const c of trigger.campaigns.list()) {
    const decided = outcomes[c.id] ?? {};
    const { sent = 0, held_out = 0, suppressed = 0, capped = 0, failed = 0, ...other } = decided;
    campaigns[c.id] = {
      trigger: describeTrigger(c),
      decided: sum(decided),
      fired: sent,
      held_out,
      suppressed,
      capped,
      failed,
      other,
    };
  }
  return {
    campaigns,
    recommendation_lookups: await counterValues(trigger.registry, 'pulse_trigger_recommendations_total'),
    pending_jobs: pendingJobs,
  };
}

function describeTrigger(c: Campaign): string {
  const t = c.trigger;
  switch (t.kind) {
    case 'event':
      return `event ${t.event}${t.nth ? ` #${t.nth}` : ''}${t.where.map((w) => ` ${w.field} ${w.op} ${String(w.value ?? '')}`).join(',')}`;
    case 'abandoned_cart':
      return `abandoned_cart after ${t.waitSeconds} s`;
    case 'inactivity':
      return `inactivity ${Math.round(t.days * 86_400)} s`;
    case 'segment_entry':
    case 'segment_exit':
      return `${t.kind} ${t.segment}`;
  }
}

async function queuedJobs(
  trigger: Trigger,
  states: readonly (typeof QUEUE_STATES)[number][],
): Promise<number> {
  const queues = [trigger.occasionQueue, ...trigger.deliveryQueues.values()];
  const counts = await Promise.all(queues.map((q) => q.getJobCounts(...states)));
  return counts.reduce((total, c) => total + states.reduce((n, s) => n + (c[s] ?? 0), 0), 0);
}

/** A counter's values summed by outcome. */
async function counterValues(registry: Trigger['registry'], name: string): Promise<Record<string, number>> {
  const metric = await registry.getSingleMetric(name)?.get();
  const out: Record<string, number> = {};
  for (const v of metric?.values ?? []) {
    const key = String(v.labels['outcome'] ?? '');
    if (v.value > 0) out[key] = (out[key] ?? 0) + v.value;
  }
  return out;
}

function sum(values: Record<string, number>): number {
  return Object.values(values).reduce((a, b) => a + b, 0);
}
