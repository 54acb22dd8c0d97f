export { BasketTracker } from './baskets.js';
export * from './config.js';
export { ContentModel, type ContentSnapshot } from './content-model.js';
export {
  type CooccurrenceSnapshot,
  type DecayedCounts,
  ItemCooccurrence,
  type SimilarityMeasure,
} from './cooccurrence.js';
export { recomputeCooccurrence } from './cooccurrence-batch.js';
export { DecayClock } from './decay.js';
export { RecsConfigError, RecsRequestError, RecsSnapshotError } from './errors.js';
export { HybridModel, type HybridSnapshot } from './hybrid-model.js';
export { RecsIncrementalModel } from './incremental.js';
export {
  INTERACTION_KINDS,
  type Interaction,
  type InteractionKind,
  interactionsFromStoredEvent,
  interactionsFromTrack,
} from './interaction.js';
export { ItemKnnModel, type ItemKnnSnapshot } from './item-knn-model.js';
export { logLikelihoodRatio, positiveLlr } from './llr.js';
export type { ItemFilter, RecModel, Recommendation } from './model.js';
export {
  createModel,
  isModelName,
  MODEL_NAMES,
  type ModelName,
  type ModelSettings,
  type ModelSnapshot,
  restoreModel,
  type SnapshotModel,
  TEXT_MODELS,
} from './models.js';
export { PopularityModel, type PopularitySnapshot } from './popularity.js';
export {
  evaluatePrequential,
  formatPrequentialLine,
  type PrequentialOptions,
  type PrequentialResult,
  type ReplayInteraction,
} from './prequential.js';
export { randomizedSvd, type SparseMatrix, sparseFromRows, type TruncatedSvd } from './randomized-svd.js';
export { SvdModel, type SvdSnapshot } from './svd-model.js';
export { TfIdfIndex } from './tfidf.js';
export { tokenize } from './tokenize.js';
