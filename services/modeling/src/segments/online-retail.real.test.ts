import { beforeAll, describe, expect, it } from 'vitest';
import type { CustomerActivity } from './activity.js';
import type { SegmentChange } from './changes.js';
import { OUTLIERS } from './cluster/cluster-model.js';
import { evaluatePredictions } from './predict/evaluate-predictions.js';
import { loadRetailActivities } from './retail-activities.js';
import { batchRfm, type RfmInput, scoreRfm } from './rfm/rfm-score.js';
import { EXAMPLE_SEGMENT_RULES } from './rules/example-rules.js';
import { SegmentEngine } from './segment-engine.js';
import { DAY_MS } from './time.js';

// One read of the real file (541,909 rows → 24,563 order and refund events) and one pass of the engine
// serve every test. The pass: events up to 80 %, a snapshot restored into a second engine, both go on
// to a week before the end, refit clusters there, and go on to the end.
const options = { rules: EXAMPLE_SEGMENT_RULES, clusterRefreshEveryMs: null };
let activities: CustomerActivity[];
let end: number;
let engine: SegmentEngine;
let restored: SegmentEngine;
const tail: { original: SegmentChange[]; restored: SegmentChange[] } = { original: [], restored: [] };
/** Scores that differ from scoring from scratch against the same breakpoints, just before the last refit. */
let mismatchesBeforeRefit = -1;
let finalRefit: { original: SegmentChange[]; restored: SegmentChange[] };

beforeAll(async () => {
  activities = (await loadRetailActivities(process.env['PULSE_DATA_DIR'])).activities;
  end = activities.at(-1)!.timeMs;
  const weekBefore = end - 7 * DAY_MS;
  const cut = Math.floor(activities.length * 0.8);
  engine = new SegmentEngine(options);
  for (const e of activities.slice(0, cut)) engine.apply(e);
  restored = SegmentEngine.restore(JSON.parse(JSON.stringify(engine.snapshot())), options);
  let refitted = false;
  for (const e of activities.slice(cut)) {
    if (!refitted && e.timeMs > weekBefore) {
      tail.original.push(...engine.refresh(weekBefore));
      tail.restored.push(...restored.refresh(weekBefore));
      refitted = true;
    }
    tail.original.push(...engine.apply(e));
    tail.restored.push(...restored.apply(e));
  }
  // Between refreshes, every score (updated per event and per day passing) must equal scoring from
  // scratch against the same breakpoints.
  mismatchesBeforeRefit = 0;
  for (const [key, input] of batchInputs(activities)) {
    const expected = scoreRfm(input, engine.rfm.currentBreakpoints!, engine.clock!);
    if (JSON.stringify(engine.rfm.scoreOf(key)) !== JSON.stringify(expected)) mismatchesBeforeRefit += 1;
  }
  finalRefit = { original: engine.refresh(end), restored: restored.refresh(end) };
}, 120_000);

/** The batch computation: RFM inputs straight from the whole list of events, no incremental state. */
function batchInputs(events: readonly CustomerActivity[]): Map<string, RfmInput> {
  const inputs = new Map<string, RfmInput>();
  for (const e of events) {
    if (!e.identified || (e.kind !== 'order' && e.kind !== 'refund')) continue;
    const input = inputs.get(e.userKey) ?? {
      lastOrderMs: Number.NEGATIVE_INFINITY,
      orders: 0,
      netPennies: 0,
    };
    if (e.kind === 'order') {
      input.orders += 1;
      input.lastOrderMs = Math.max(input.lastOrderMs, e.timeMs);
      input.netPennies += e.amountPennies;
    } else {
      input.netPennies -= e.amountPennies;
    }
    inputs.set(e.userKey, input);
  }
  for (const [key, input] of inputs) if (input.orders === 0) inputs.delete(key);
  return inputs;
}

describe('segments on the real Online Retail data', () => {
  it('incremental RFM equals a batch recompute, and a restored engine goes on identically', () => {
    expect(tail.restored).toEqual(tail.original);
    expect(tail.original.length).toBeGreaterThan(1_000);

    const inputs = batchInputs(activities);
    expect(inputs.size).toBe(4_339);
    expect(engine.rfm.allScores().size).toBe(4_339);
    expect(mismatchesBeforeRefit).toBe(0);
    // After a refresh: equal to the batch computation, breakpoints included.
    expect(new Map(engine.rfm.allScores())).toEqual(batchRfm(inputs, end));
    expect(finalRefit.restored).toEqual(finalRefit.original);
  }, 60_000);

  it('predicts next-quarter spend better than last quarter’s spend, and buying again better than recency', () => {
    const test = evaluatePredictions(activities, end - 90 * DAY_MS);
    expect(test.testCustomers).toBeGreaterThan(3_000);
    expect(test.clv.mae).toBeLessThan(test.clv.baselineMae);
    expect(test.clv.r2).toBeGreaterThan(test.clv.baselineR2);
    expect(test.churn.auc).toBeGreaterThan(test.churn.baselineAuc);
    expect(test.churn.baselineAuc).toBeGreaterThan(test.churn.binaryBaselineAuc);
    // And on the earlier split, so the win is not one quarter's luck.
    const validation = evaluatePredictions(activities, end - 180 * DAY_MS);
    expect(validation.clv.mae).toBeLessThan(validation.clv.baselineMae);
    expect(validation.churn.auc).toBeGreaterThan(validation.churn.baselineAuc);
  }, 60_000);

  it('clusters customers, sets the wholesalers aside, and a refit a week later moves few of them', () => {
    // The engine was refitted a week before the end, then again at the end.
    const changes = finalRefit.original;
    const report = engine.clusters.report!;
    expect(report.k).toBeGreaterThanOrEqual(2);
    expect(report.silhouette).toBeGreaterThan(0.2);
    expect(report.outliers / report.customers).toBeGreaterThan(0.002);
    expect(report.outliers / report.customers).toBeLessThan(0.05);
    expect(engine.clusters.labelOf('14646')).toBe(OUTLIERS); // £279,489 net: the largest buyer
    expect(report.clusters.every((c) => c.description.length > 10)).toBe(true);
    const moved = new Set(changes.filter((c) => c.segment.startsWith('cluster:')).map((c) => c.userKey));
    expect(moved.size).toBeGreaterThan(0);
    expect(moved.size / report.customers).toBeLessThan(0.02);
  });
});
