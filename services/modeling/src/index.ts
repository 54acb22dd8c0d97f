export { type ModelingConfig, modelingConfigFromEnv } from './config.js';
export * from './recs/index.js';
export * from './segments/index.js';
export { type Checkpoint, CheckpointStore, type Offsets } from './worker/checkpoint-store.js';
export type { IncrementalModel } from './worker/model.js';
export { type ModelingDeps, type ModelingWorker, startModelingWorker } from './worker/start-worker.js';
