import type { SplitScores } from '@pulse/modeling';
import type { SegmentsEvalReport } from './run-eval.js';

const int = (x: number): string => Math.round(x).toLocaleString('en-GB');
const money = (x: number): string => `£${int(x)}`;
const pct = (part: number, whole: number): string => `${((100 * part) / Math.max(1, whole)).toFixed(1)} %`;

/** The human part of `pulse eval segments` (the JSON line follows it). */
export function formatSegmentsReport(r: SegmentsEvalReport): string {
  const out: string[] = [];
  const customers = r.line.customers;
  const rejected = Object.entries(r.rejected)
    .map(([code, n]) => `${n} ${code}`)
    .join(', ');
  out.push(
    `Online Retail: ${int(r.events)} order and refund events as stored by the pipeline (${rejected || 'none'} refused by the collector), as of ${r.asOf}`,
  );
  out.push('');
  const b = r.rfmBreakpoints;
  out.push(
    `RFM (${int(customers)} customers with an order; quintile breakpoints: recency ${b.recencyDays.join('/')} days, frequency ${b.frequency.join('/')} orders, monetary ${b.monetaryPennies.map((p) => money(p / 100)).join('/')})`,
  );
  for (const s of [...r.rfmSizes].sort((a, b) => b.customers - a.customers)) {
    out.push(
      `  ${s.name.padEnd(20)} ${int(s.customers).padStart(6)}  ${pct(s.customers, customers).padStart(7)}`,
    );
  }
  out.push('');
  const c = r.clusters;
  const byK = Object.entries(c.silhouetteByK)
    .map(([k, s]) => `k=${k} ${s.toFixed(3)}`)
    .join(', ');
  out.push(
    `Clusters: mini-batch k-means on 8 standardised features, k=${c.k} by sampled silhouette ${c.silhouette.toFixed(3)} (${byK})`,
  );
  for (const cluster of c.clusters) {
    out.push(
      `  ${cluster.id.padEnd(4)} ${int(cluster.size).padStart(6)}  ${pct(cluster.size, c.customers).padStart(7)}  ${cluster.description}`,
    );
  }
  out.push(
    `  refit a week later: ${r.refit.idsKept} of ${r.refit.idsBefore} cluster ids kept, ${int(r.refit.movedCluster)} of ${int(r.refit.customers)} customers changed cluster`,
  );
  out.push('');
  out.push(
    `DBSCAN: ${int(c.outliers)} customers fit no dense region (eps ${c.eps.toFixed(2)}, ${c.dbscanClusters} dense region${c.dbscanClusters === 1 ? '' : 's'}); the largest:`,
  );
  for (const o of r.outliers.slice(0, 10)) {
    out.push(
      `  ${o.customer.padEnd(8)} ${int(o.orders).padStart(4)} orders  ${money(o.netSpend).padStart(10)} net  ${int(o.unitsPerOrder).padStart(6)} units/order  refunds ${(100 * o.refundRate).toFixed(0)} %`,
    );
  }
  out.push('');
  out.push('Rule segments (example definitions):');
  for (const rule of r.rules)
    out.push(`  ${rule.id.padEnd(24)} ${int(rule.customers).padStart(6)}  ${rule.name}`);
  out.push('');
  out.push(...formatSplit('Predictions, test split', r.test));
  out.push(...formatSplit('Same models, earlier split (validation)', r.validation));
  out.push(`(${r.seconds.toFixed(1)} s)`);
  return out.join('\n');
}

function formatSplit(title: string, s: SplitScores): string[] {
  return [
    `${title}: trained on customers at ${s.trainCutoff.slice(0, 10)} (${int(s.trainCustomers)}), tested on those at ${s.testCutoff.slice(0, 10)} (${int(s.testCustomers)}, ${(100 * s.testBuyRate).toFixed(1)} % bought in the next 90 days)`,
    `  spend next 90 days (least-absolute-deviations regression): MAE ${s.clv.mae.toFixed(2)}  R² ${s.clv.r2.toFixed(3)}   baseline last 90 days' spend: MAE ${s.clv.baselineMae.toFixed(2)}  R² ${s.clv.baselineR2.toFixed(3)}`,
    `  buys again in 90 days (logistic regression): AUC ${s.churn.auc.toFixed(4)}   baseline by recency: AUC ${s.churn.baselineAuc.toFixed(4)} (yes/no "bought in the last 90 days": ${s.churn.binaryBaselineAuc.toFixed(4)})`,
  ];
}
