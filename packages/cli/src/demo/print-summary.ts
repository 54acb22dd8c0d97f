import type { ModelingSummary } from './modeling-summary.js';
import { campaignLines } from './print-campaigns.js';
import type { DemoSummary } from './retail-demo.js';

/** The demo's summary for people; the same figures are in .pulse/demo-summary.json. */
export function formatSummary(s: DemoSummary): string {
  const lines = [
    '',
    'Pulse demo: Online Retail (then the OTTO sample) through collector -> Kafka -> ingest -> ClickHouse (embedded)',
    `  sent          ${s.sent}`,
    `  accepted      ${s.accepted}   (Kafka acknowledged before the collector answered)`,
    `  rejected      ${s.rejected}   (400 with field and reason, or refused by the client)`,
    `  stored        ${s.stored}   (counted in ClickHouse, one row per messageId)`,
    `  dead letters  ${s.dead_letters}`,
    `  check         sent = stored + rejected + dead_letters: ${s.sent} = ${s.stored + s.rejected + s.dead_letters} ${
      s.sent === s.stored + s.rejected + s.dead_letters ? 'OK' : 'MISMATCH'
    }`,
    '  rejected, by reason:',
    ...Object.entries(s.rejected_reasons).map(
      ([reason, n]) =>
        `    ${String(n).padStart(6)}  ${reason}  e.g. "${(s['rejection_examples'] as Record<string, string>)[reason] ?? ''}"`,
    ),
    `  stored, by event: ${JSON.stringify(s['stored_by_event'])}`,
    `  customers ${s['customers']}, guest checkouts ${s['guest_checkouts']}, revenue GBP ${s['revenue_gbp']}, refunded GBP ${s['refunded_gbp']}`,
    `  source rows not sent: ${JSON.stringify(s['source_rows_not_sent'])}`,
    ...campaignLines(s),
    ...modelingLines(s['modeling'] as ModelingSummary | undefined),
    `  ${s.seconds} s in all`,
  ];
  return lines.join('\n');
}

function modelingLines(m: ModelingSummary | undefined): string[] {
  if (!m) return [];
  const p = m.predictions;
  return [
    `  modeling: ${m.events_applied} events applied, ${m.segment_changes_published} segment changes published (each once)`,
    `    segment sizes: ${JSON.stringify(m.segment_sizes)}`,
    '    clusters (k-means, described from their centroids):',
    ...m.clusters.map((c) => `      ${c.id} (${c.customers} customers): ${c.description}`),
    `      outliers (DBSCAN): ${m.cluster_outliers}`,
    `    predictions on a 90-day time split, ${p.customers_scored} customers: spend MAE ${p.clv_mae} (baseline ${p.clv_baseline_mae}), buy-again AUC ${p.churn_auc} (baseline ${p.churn_baseline_auc})`,
    '    similar products by description:',
    ...m.similar_by_description.map(
      (x) => `      ${x.name}: ${x.similar.map((y) => `${y.name} (${y.score})`).join('; ')}`,
    ),
    '    recommendations for the busiest customers:',
    ...m.recommendations.map(
      (r) => `      ${r.customer}, lately ${r.recently.join(', ')} -> ${r.recommended.join('; ')}`,
    ),
    `    item_similarity in ClickHouse: ${m.item_similarity ? `version ${m.item_similarity.version}, ${m.item_similarity.items} items, ${m.item_similarity.pairs} pairs` : 'none'}`,
  ];
}
