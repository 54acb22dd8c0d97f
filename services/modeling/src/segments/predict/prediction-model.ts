import { Matrix } from 'ml-matrix';
import { fitStandardiser, type Standardiser, standardiseRow } from '../cluster/standardise.js';
import { SegmentModelError, SegmentStateError } from '../errors.js';
import type { CustomerProfile } from '../profiles.js';
import { fitLeastAbsoluteDeviations, type LinearModel, predictLinear } from './linear-regression.js';
import { fitLogisticRegression, predictProbability } from './logistic-regression.js';
import { predictionInputs } from './prediction-features.js';
import type { SplitDataset } from './time-split.js';

/** The two models as data: what a checkpoint stores and what every prediction reads. */
export interface PredictionModelJson {
  v: 1;
  horizonDays: number;
  /** The cutoff of the training rows (targets end horizonDays later). */
  trainedAtMs: number;
  value: LinearModel;
  churn: LinearModel;
  churnStandardiser: Standardiser;
}

/** The traits a customer gets from the models. */
export interface Predictions {
  /** Expected spend in the next horizon (pounds; the conditional median, never below 0). */
  clv_90d: number;
  /** Probability of at least one order in the next horizon. */
  buy_probability_90d: number;
}

/**
 * Value: least-absolute-deviations linear regression on past spend windows (the score is MAE, whose
 * best constant is the median, so the model estimates the median). Churn: logistic regression on
 * standardised log features.
 */
export function trainPredictionModel(train: SplitDataset): PredictionModelJson {
  if (train.keys.length < 20) {
    throw new SegmentModelError(
      `predictions need at least 20 customers at the training cutoff, got ${train.keys.length}`,
    );
  }
  const churnStandardiser = fitStandardiser(new Matrix(train.churnFeatures));
  return {
    v: 1,
    horizonDays: train.horizonDays,
    trainedAtMs: train.cutoffMs,
    value: fitLeastAbsoluteDeviations(train.valueFeatures, train.spend),
    churn: fitLogisticRegression(
      train.churnFeatures.map((row) => [...standardiseRow(row, churnStandardiser)]),
      train.bought,
    ),
    churnStandardiser,
  };
}

export function predictValue(model: PredictionModelJson, valueFeatures: readonly number[]): number {
  return Math.max(0, predictLinear(model.value, valueFeatures));
}

export function predictBuyProbability(model: PredictionModelJson, churnFeatures: readonly number[]): number {
  return predictProbability(model.churn, [...standardiseRow(churnFeatures, model.churnStandardiser)]);
}

/** Both predictions for a customer now; null before their first order. */
export function predictCustomer(
  model: PredictionModelJson,
  profile: CustomerProfile,
  nowMs: number,
): Predictions | null {
  const inputs = predictionInputs(profile, nowMs, model.horizonDays);
  if (inputs === null) return null;
  return {
    clv_90d: Math.round(predictValue(model, inputs.value) * 100) / 100,
    buy_probability_90d: Math.round(predictBuyProbability(model, inputs.churn) * 1e4) / 1e4,
  };
}

export function checkPredictionModel(json: PredictionModelJson): PredictionModelJson {
  if (json?.v !== 1 || !Array.isArray(json.value?.weights) || !Array.isArray(json.churn?.weights)) {
    throw new SegmentStateError('prediction model is not version 1');
  }
  return json;
}
