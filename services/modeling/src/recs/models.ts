import type {
  ContentConfigInput,
  HybridConfigInput,
  ItemKnnConfigInput,
  PopularityConfigInput,
  SvdConfigInput,
} from './config.js';
import { ContentModel, type ContentSnapshot } from './content-model.js';
import { RecsRequestError, RecsSnapshotError } from './errors.js';
import { HybridModel, type HybridSnapshot } from './hybrid-model.js';
import { ItemKnnModel, type ItemKnnSnapshot } from './item-knn-model.js';
import type { RecModel } from './model.js';
import { PopularityModel, type PopularitySnapshot } from './popularity.js';
import { SvdModel, type SvdSnapshot } from './svd-model.js';

export const MODEL_NAMES = ['item-cosine', 'item-llr', 'svd', 'content', 'hybrid', 'popularity'] as const;
export type ModelName = (typeof MODEL_NAMES)[number];

export interface ModelSettings {
  popularity?: PopularityConfigInput;
  knn?: ItemKnnConfigInput;
  svd?: SvdConfigInput;
  content?: ContentConfigInput;
  hybrid?: HybridConfigInput;
}

/** Models that need item texts (descriptions) and get nothing useful without them. */
export const TEXT_MODELS: readonly ModelName[] = ['content', 'hybrid'];

export function isModelName(name: string): name is ModelName {
  return (MODEL_NAMES as readonly string[]).includes(name);
}

/**
 * A model by name, as the evaluation and the worker create them. `catalog` (item id → description)
 * feeds the content side of `content` and `hybrid`.
 */
export function createModel(
  name: string,
  settings: ModelSettings = {},
  catalog?: ReadonlyMap<string, string>,
): SnapshotModel {
  if (!isModelName(name)) {
    throw new RecsRequestError(`unknown model "${name}"; choose one of ${MODEL_NAMES.join(', ')}`);
  }
  switch (name) {
    case 'popularity':
      return new PopularityModel(settings.popularity);
    case 'item-cosine':
      return new ItemKnnModel({ ...settings.knn, measure: 'cosine' });
    case 'item-llr':
      return new ItemKnnModel({ ...settings.knn, measure: 'llr' });
    case 'svd':
      return new SvdModel(settings.svd);
    case 'content':
      return new ContentModel(settings.content, catalog);
    case 'hybrid':
      return new HybridModel(settings.hybrid, catalog);
  }
}

/** A model whose whole state is one JSON-serialisable value. */
export interface SnapshotModel extends RecModel {
  toSnapshot(): ModelSnapshot;
}

export type ModelSnapshot =
  | ItemKnnSnapshot
  | SvdSnapshot
  | ContentSnapshot
  | HybridSnapshot
  | PopularitySnapshot;

/** The model a snapshot was taken of, whatever its kind; RecsSnapshotError when it is none. */
export function restoreModel(snapshot: unknown): SnapshotModel {
  const kind = (snapshot as { kind?: unknown } | null)?.kind;
  switch (kind) {
    case 'item-knn':
      return ItemKnnModel.fromSnapshot(snapshot as ItemKnnSnapshot);
    case 'svd':
      return SvdModel.fromSnapshot(snapshot as SvdSnapshot);
    case 'content':
      return ContentModel.fromSnapshot(snapshot as ContentSnapshot);
    case 'hybrid':
      return HybridModel.fromSnapshot(snapshot as HybridSnapshot);
    case 'popularity':
      return PopularityModel.fromSnapshot(snapshot as PopularitySnapshot);
    default:
      throw new RecsSnapshotError(`not a recommendation model snapshot (kind ${JSON.stringify(kind)})`);
  }
}
