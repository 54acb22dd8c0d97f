/** The last line of `pulse eval segments`: one JSON object, keys in this order, for scripts and CI. */
export interface SegmentsEvalLine {
  customers: number;
  rfm_segments: Record<string, number>;
  k: number;
  silhouette: number;
  clv_mae: number;
  clv_baseline_mae: number;
  churn_auc: number;
  churn_baseline_auc: number;
}

const round = (x: number, digits: number): number => Number(x.toFixed(digits));

export function formatSegmentsEvalLine(line: SegmentsEvalLine): string {
  return JSON.stringify({
    customers: line.customers,
    rfm_segments: line.rfm_segments,
    k: line.k,
    silhouette: round(line.silhouette, 4),
    clv_mae: round(line.clv_mae, 2),
    clv_baseline_mae: round(line.clv_baseline_mae, 2),
    churn_auc: round(line.churn_auc, 4),
    churn_baseline_auc: round(line.churn_baseline_auc, 4),
  });
}
