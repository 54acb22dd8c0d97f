import type { CustomerActivity } from '../activity.js';
import { DAY_MS } from '../time.js';
import { meanAbsoluteError, rocAuc, rSquared } from './metrics.js';
import {
  type PredictionModelJson,
  predictBuyProbability,
  predictValue,
  trainPredictionModel,
} from './prediction-model.js';
import { datasetAt } from './time-split.js';

export interface SplitScores {
  trainCutoff: string;
  testCutoff: string;
  trainCustomers: number;
  testCustomers: number;
  /** Share of test customers who bought in the horizon. */
  testBuyRate: number;
  clv: { mae: number; r2: number; baselineMae: number; baselineR2: number };
  churn: { auc: number; baselineAuc: number; binaryBaselineAuc: number };
  model: PredictionModelJson;
}

/**
 * The time split: test customers are those known at `testCutoffMs`, scored on the horizon after it;
 * the models are trained at testCutoff − horizon, with targets ending at testCutoff, so nothing of the
 * test period reaches training. Baselines on the same rows: value = last period's spend; churn =
 * "buys again if bought recently", as the ranking by days since the last order (its AUC is higher
 * than the yes/no rule's, which is reported beside it).
 */
export function evaluatePredictions(
  activities: readonly CustomerActivity[],
  testCutoffMs: number,
  horizonDays = 90,
): SplitScores {
  const trainCutoffMs = testCutoffMs - horizonDays * DAY_MS;
  const train = datasetAt(activities, trainCutoffMs, horizonDays);
  const test = datasetAt(activities, testCutoffMs, horizonDays);
  const model = trainPredictionModel(train);
  const value = test.valueFeatures.map((row) => predictValue(model, row));
  const probability = test.churnFeatures.map((row) => predictBuyProbability(model, row));
  return {
    trainCutoff: new Date(trainCutoffMs).toISOString(),
    testCutoff: new Date(testCutoffMs).toISOString(),
    trainCustomers: train.keys.length,
    testCustomers: test.keys.length,
    testBuyRate: test.bought.reduce((a, b) => a + b, 0) / Math.max(1, test.bought.length),
    clv: {
      mae: meanAbsoluteError(test.spend, value),
      r2: rSquared(test.spend, value),
      baselineMae: meanAbsoluteError(test.spend, test.lastPeriodSpend),
      baselineR2: rSquared(test.spend, test.lastPeriodSpend),
    },
    churn: {
      auc: rocAuc(test.bought, probability),
      baselineAuc: rocAuc(
        test.bought,
        test.recencyDays.map((days) => -days),
      ),
      binaryBaselineAuc: rocAuc(
        test.bought,
        test.recencyDays.map((days) => (days <= horizonDays ? 1 : 0)),
      ),
    },
    model,
  };
}
