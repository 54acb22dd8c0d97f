import { type ClickHouseClient, queryRows } from '@pulse/clickhouse';
import { type Comparison, compareProportions, type Group } from './uplift.js';

export interface VariantStats extends Group {
  variant: string;
  rate: number;
}

export interface CampaignReport {
  campaign: string;
  sends: number;
  heldOut: number;
  /** Decisions other than sent and held out (capped, suppressed, failed, converted…), by outcome. */
  other: Record<string, number>;
  conversions: { treated: number; holdout: number };
  /** Treated (sent) against the holdout; undefined without a holdout. */
  uplift: Comparison | undefined;
  variants: VariantStats[];
  /** Each variant after the first against the first. */
  variantComparisons: Array<{ variant: string; against: string; comparison: Comparison | undefined }>;
}

interface Row {
  campaign_id: string;
  outcome: string;
  variant: string;
  n: string;
  conversions: string;
}

/**
 * Attribution: an Order Completed of the same person within `windowHours`
 * after a decision converts it. The holdout's decisions are made at the
 * moment the send would have been, so both groups get the same window.
 * Times are the collector's receive times, which replays keep consistent
 * with decision times.
 */
export async function campaignReport(
  client: ClickHouseClient,
  database: string,
  windowHours: number,
): Promise<CampaignReport[]> {
  const rows = await queryRows<Row>(
    client,
    `SELECT campaign_id, outcome, variant, count() AS n, sum(converted) AS conversions
     FROM (
       SELECT d.campaign_id AS campaign_id, d.outcome AS outcome, d.variant AS variant, d.person AS person, d.occasion AS occasion,
              max(o.received_at > d.decided_at AND o.received_at <= d.decided_at + toIntervalSecond({window:UInt32})) AS converted
       FROM (SELECT campaign_id, outcome, variant, person, occasion, decided_at FROM ${database}.trigger_decisions FINAL) AS d
       LEFT JOIN (
         SELECT user_key, received_at FROM ${database}.events FINAL WHERE type = 'track' AND event = 'Order Completed'
       ) AS o ON o.user_key = d.person
       GROUP BY campaign_id, outcome, variant, person, occasion
     )
     GROUP BY campaign_id, outcome, variant
     ORDER BY campaign_id, outcome, variant`,
    { window: Math.round(windowHours * 3600) },
  );
  const byCampaign = new Map<string, Row[]>();
  for (const r of rows) byCampaign.set(r.campaign_id, [...(byCampaign.get(r.campaign_id) ?? []), r]);
  return [...byCampaign].map(([campaign, list]) => {
    const sum = (outcome: string, field: 'n' | 'conversions') =>
      list.filter((r) => r.outcome === outcome).reduce((s, r) => s + Number(r[field]), 0);
    const treated = { n: sum('sent', 'n'), conversions: sum('sent', 'conversions') };
    const holdout = { n: sum('held_out', 'n'), conversions: sum('held_out', 'conversions') };
    const other: Record<string, number> = {};
    for (const r of list)
      if (r.outcome !== 'sent' && r.outcome !== 'held_out')
        other[r.outcome] = (other[r.outcome] ?? 0) + Number(r.n);
    const variants = list
      .filter((r) => r.outcome === 'sent')
      .map((r) => {
        const n = Number(r.n);
        const conversions = Number(r.conversions);
        return { variant: r.variant, n, conversions, rate: n === 0 ? 0 : conversions / n };
      });
    const [first, ...rest] = variants;
    return {
      campaign,
      sends: treated.n,
      heldOut: holdout.n,
      other,
      conversions: { treated: treated.conversions, holdout: holdout.conversions },
      uplift: compareProportions(treated, holdout),
      variants,
      variantComparisons: first
        ? rest.map((v) => ({
            variant: v.variant,
            against: first.variant,
            comparison: compareProportions(v, first),
          }))
        : [],
    };
  });
}

const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
const pp = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(2)} pp`;

/** The report as text for people. */
export function formatCampaignReport(reports: CampaignReport[], windowHours: number): string {
  if (reports.length === 0) return 'no campaign decisions recorded yet\n';
  const lines = [`attribution window: Order Completed within ${windowHours} h of the decision`, ''];
  for (const r of reports) {
    lines.push(`campaign ${r.campaign}`);
    lines.push(
      `  sends ${r.sends}, held out ${r.heldOut}${
        Object.keys(r.other).length
          ? `, ${Object.entries(r.other)
              .map(([k, v]) => `${k} ${v}`)
              .join(', ')}`
          : ''
      }`,
    );
    lines.push(`  conversions: treated ${r.conversions.treated}, holdout ${r.conversions.holdout}`);
    if (r.uplift) {
      const u = r.uplift;
      lines.push(
        `  conversion rate ${pct(u.treatedRate)} vs holdout ${pct(u.controlRate)}: uplift ${pp(u.uplift)} (95% CI ${pp(u.ci95[0])} to ${pp(u.ci95[1])}, z ${u.z.toFixed(2)}, p ${u.pValue.toFixed(4)})`,
      );
    } else {
      lines.push('  uplift: no holdout decisions or no sends, nothing to compare');
    }
    for (const v of r.variants)
      lines.push(`  variant ${v.variant}: ${v.conversions}/${v.n} = ${pct(v.rate)}`);
    for (const c of r.variantComparisons) {
      lines.push(
        c.comparison
          ? `  ${c.variant} vs ${c.against}: ${pp(c.comparison.uplift)} (95% CI ${pp(c.comparison.ci95[0])} to ${pp(c.comparison.ci95[1])}, p ${c.comparison.pValue.toFixed(4)})`
          : `  ${c.variant} vs ${c.against}: not enough sends`,
      );
    }
    lines.push('');
  }
  return lines.join('\n');
}
