import {
  type ClusterReport,
  datasetAt,
  EXAMPLE_SEGMENT_RULES,
  evaluatePredictions,
  loadRetailActivities,
  type PredictionModelJson,
  RFM_SEGMENTS,
  type RfmBreakpoints,
  type RfmSegmentId,
  SegmentEngine,
  type SplitScores,
  trainPredictionModel,
} from '@pulse/modeling';
import type { SegmentsEvalLine } from './eval-line.js';

const DAY_MS = 86_400_000;

export interface OutlierRow {
  customer: string;
  orders: number;
  netSpend: number;
  unitsPerOrder: number;
  refundRate: number;
}

export interface SegmentsEvalReport {
  line: SegmentsEvalLine;
  events: number;
  rejected: Record<string, number>;
  asOf: string;
  rfmBreakpoints: RfmBreakpoints;
  rfmSizes: Array<{ id: RfmSegmentId; name: string; customers: number }>;
  clusters: ClusterReport;
  /** Label changes made by the last refit, a week after the previous one (stability). */
  refit: { customers: number; movedCluster: number; idsKept: number; idsBefore: number };
  outliers: OutlierRow[];
  rules: Array<{ id: string; name: string; customers: number }>;
  test: SplitScores;
  validation: SplitScores;
  seconds: number;
  /** Trained on the latest quarter whose outcome is known: what the modeling service should use. */
  predictionModel: PredictionModelJson;
}

/**
 * Online Retail through the segment engine as the worker would run it (events in time order, RFM
 * refreshed daily on event time), clusters fitted a week before the end and refitted at the end,
 * and the predictions scored on a time split against their baselines.
 */
export async function runSegmentsEval(options: { dataDir?: string }): Promise<SegmentsEvalReport> {
  const started = Date.now();
  const { activities, rejected } = await loadRetailActivities(options.dataDir);
  const end = activities[activities.length - 1]!.timeMs;
  const engine = new SegmentEngine({ rules: EXAMPLE_SEGMENT_RULES, clusterRefreshEveryMs: null });

  const weekBefore = end - 7 * DAY_MS;
  let at = 0;
  for (; at < activities.length && activities[at]!.timeMs <= weekBefore; at += 1)
    engine.apply(activities[at]!);
  engine.refresh(weekBefore);
  const idsBefore = engine.clusters.report!.clusters.map((c) => c.id);
  for (; at < activities.length; at += 1) engine.apply(activities[at]!);
  // Traits for rules: the models trained on the latest quarter whose outcome is known.
  const predictionModel = trainPredictionModel(datasetAt(activities, end - 90 * DAY_MS, 90));
  engine.setPredictionModel(predictionModel, end);
  const refitChanges = engine.refresh(end);
  const clusters = engine.clusters.report!;
  const movedCluster = new Set(
    refitChanges
      .filter((c) => c.segment.startsWith('cluster:') && c.change === 'entered')
      .map((c) => c.userKey),
  ).size;

  const counts = new Map<RfmSegmentId, number>();
  for (const score of engine.rfm.allScores().values())
    counts.set(score.segment, (counts.get(score.segment) ?? 0) + 1);
  const rfmSizes = (Object.keys(RFM_SEGMENTS) as RfmSegmentId[]).map((id) => ({
    id,
    name: RFM_SEGMENTS[id],
    customers: counts.get(id) ?? 0,
  }));
  const sizes = engine.sizes();
  const test = evaluatePredictions(activities, end - 90 * DAY_MS);
  const validation = evaluatePredictions(activities, end - 180 * DAY_MS);

  return {
    line: {
      customers: engine.rfm.allScores().size,
      rfm_segments: Object.fromEntries(rfmSizes.map((s) => [s.id, s.customers])),
      k: clusters.k,
      silhouette: clusters.silhouette,
      clv_mae: test.clv.mae,
      clv_baseline_mae: test.clv.baselineMae,
      churn_auc: test.churn.auc,
      churn_baseline_auc: test.churn.baselineAuc,
    },
    events: activities.length,
    rejected,
    asOf: new Date(end).toISOString(),
    rfmBreakpoints: engine.rfm.currentBreakpoints!,
    rfmSizes,
    clusters,
    refit: {
      customers: clusters.customers,
      movedCluster,
      idsKept: clusters.clusters.filter((c) => idsBefore.includes(c.id)).length,
      idsBefore: idsBefore.length,
    },
    outliers: outlierRows(engine),
    rules: EXAMPLE_SEGMENT_RULES.map((rule) => ({
      id: rule.id,
      name: rule.name,
      customers: sizes[`rule:${rule.id}`] ?? 0,
    })),
    test,
    validation,
    seconds: (Date.now() - started) / 1000,
    predictionModel,
  };
}

function outlierRows(engine: SegmentEngine): OutlierRow[] {
  const rows: OutlierRow[] = [];
  for (const [key, label] of engine.clusters.allLabels()) {
    if (label !== 'outliers') continue;
    const p = engine.profiles.get(key)!;
    rows.push({
      customer: key,
      orders: p.orders,
      netSpend: (p.spentPennies - p.refundedPennies) / 100,
      unitsPerOrder: p.units / Math.max(1, p.orders),
      refundRate: p.spentPennies > 0 ? p.refundedPennies / p.spentPennies : 0,
    });
  }
  return rows.sort((a, b) => b.netSpend - a.netSpend || a.customer.localeCompare(b.customer));
}
