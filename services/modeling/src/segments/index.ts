export {
  type ActivityKind,
  type ActivityResult,
  activityFromStoredEvent,
  activityFromTrack,
  type CustomerActivity,
} from './activity.js';
export { moveChanges, type SegmentChange, type SequencedChange } from './changes.js';
export {
  type ClusterInfo,
  ClusterModel,
  type ClusterOptions,
  type ClusterReport,
  type ClusterSnapshot,
  OUTLIERS,
} from './cluster/cluster-model.js';
export { dbscan, NOISE } from './cluster/dbscan.js';
export { hungarian } from './cluster/hungarian.js';
export { assignPoints, kmeansPlusPlus, lloydKMeans, miniBatchKMeans } from './cluster/kmeans.js';
export { type Points, pointsFromMatrix, pointsToMatrix } from './cluster/points.js';
export { silhouette } from './cluster/silhouette.js';
export { CLUSTER_FEATURES, rawClusterFeatures } from './customer-features.js';
export { type RuleProblem, SegmentModelError, SegmentRuleError, SegmentStateError } from './errors.js';
export { evaluatePredictions, type SplitScores } from './predict/evaluate-predictions.js';
export { meanAbsoluteError, rocAuc, rSquared } from './predict/metrics.js';
export { CHURN_FEATURES, VALUE_FEATURES } from './predict/prediction-features.js';
export {
  type PredictionModelJson,
  type Predictions,
  predictCustomer,
  trainPredictionModel,
} from './predict/prediction-model.js';
export { datasetAt, type SplitDataset } from './predict/time-split.js';
export { type CustomerProfile, CustomerProfiles } from './profiles.js';
export { seededRandom } from './random.js';
export { loadRetailActivities, type RetailActivities } from './retail-activities.js';
export { RfmModel } from './rfm/rfm-model.js';
export { batchRfm, type RfmBreakpoints, type RfmInput, type RfmScore, scoreRfm } from './rfm/rfm-score.js';
export { RFM_SEGMENTS, type RfmSegmentId, rfmSegmentOf } from './rfm/rfm-segments.js';
export { EXAMPLE_SEGMENT_RULES } from './rules/example-rules.js';
export { RuleEngine, type TraitValue } from './rules/rule-engine.js';
export { parseSegmentRules, type SegmentRule } from './rules/rule-schema.js';
export {
  type CustomerTraits,
  SegmentEngine,
  type SegmentEngineOptions,
  type SegmentEngineSnapshot,
} from './segment-engine.js';
export { SegmentsModel, type SegmentsModelSnapshot } from './segments-model.js';
