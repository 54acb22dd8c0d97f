import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { PulseError } from '@pulse/common';
import type { BadLine } from '@pulse/datasets';
import {
  createModel,
  evaluatePrequential,
  isModelName,
  MODEL_NAMES,
  type ModelSettings,
  type PrequentialResult,
  type ReplayInteraction,
  TEXT_MODELS,
} from '@pulse/modeling';
import { readMovieLensCatalog } from './movielens-catalog.js';
import { movieLensSource } from './movielens-source.js';
import { ottoSource } from './otto-source.js';
import { type DataSet, mergeSettings, presetFor } from './presets.js';
import type { ReplaySource } from './replay-source.js';
import { retailSource } from './retail-source.js';

export interface EvalRecsOptions {
  sessions?: string;
  ratings?: string;
  retail?: boolean;
  /** Item texts for content/hybrid with --ratings (movies.csv); found beside ratings.csv by default. */
  catalog?: string;
  model: string;
  k: number;
  /** Merged over the data set's preset (presets.ts). */
  settings: ModelSettings;
  /** Stop after this many events (a time prefix: for tuning without looking at the rest). */
  limit?: number;
  chunkRecords?: number;
  dataDir?: string;
  onBadLine?: (bad: BadLine) => void;
  onProgress?: (events: number) => void;
}

export interface EvalRecsReport {
  source: string;
  model: string;
  badLines: number;
  result: PrequentialResult;
}

/** Runs one prequential evaluation of one model against the popularity baseline. */
export async function runEvalRecs(options: EvalRecsOptions): Promise<EvalRecsReport> {
  if (!isModelName(options.model)) {
    throw new PulseError(
      'PULSE_EVAL_USAGE',
      `unknown model "${options.model}"; choose one of ${MODEL_NAMES.join(', ')}`,
    );
  }
  if (!Number.isInteger(options.k) || options.k < 1) {
    throw new PulseError('PULSE_EVAL_USAGE', `--k must be a positive integer, got ${options.k}`);
  }
  const started = performance.now();
  const source = await openSource(options);
  if (TEXT_MODELS.includes(options.model) && !source.catalog) {
    throw new PulseError(
      'PULSE_EVAL_USAGE',
      `model ${options.model} needs item descriptions: use --retail, or --ratings with --catalog movies.csv (OTTO has none)`,
    );
  }
  const settings = mergeSettings(presetFor(dataSetOf(options)), options.settings) as ModelSettings;
  const model = createModel(options.model, settings, source.catalog);
  const baseline = createModel('popularity', settings);
  const events = options.limit === undefined ? source.interactions : take(source.interactions, options.limit);
  const result = await evaluatePrequential(events, model, baseline, {
    k: options.k,
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  // The whole run: reading and sorting the input are part of what an evaluation costs.
  result.seconds = Math.round((performance.now() - started) / 10) / 100;
  return { source: source.name, model: model.name, badLines: source.badLines(), result };
}

async function openSource(options: EvalRecsOptions): Promise<ReplaySource> {
  const given = [options.sessions, options.ratings, options.retail].filter(
    (x) => x !== undefined && x !== false,
  );
  if (given.length !== 1) {
    throw new PulseError(
      'PULSE_EVAL_USAGE',
      'give exactly one of --sessions FILE, --ratings FILE or --retail',
    );
  }
  const onBadLine = options.onBadLine ?? (() => undefined);
  const chunk = options.chunkRecords === undefined ? {} : { chunkRecords: options.chunkRecords };
  if (options.sessions !== undefined) {
    requireFile(options.sessions, '--sessions');
    return ottoSource(options.sessions, onBadLine, chunk);
  }
  if (options.ratings !== undefined) {
    requireFile(options.ratings, '--ratings');
    let catalogFile = options.catalog;
    if (catalogFile === undefined && TEXT_MODELS.includes(options.model as never)) {
      const beside = join(dirname(resolve(options.ratings)), 'movies.csv');
      if (existsSync(beside)) catalogFile = beside;
    }
    if (catalogFile !== undefined) requireFile(catalogFile, '--catalog');
    const catalog = catalogFile === undefined ? undefined : await readMovieLensCatalog(catalogFile);
    return movieLensSource(options.ratings, onBadLine, { ...chunk, ...(catalog ? { catalog } : {}) });
  }
  return retailSource(options.dataDir);
}

function dataSetOf(options: EvalRecsOptions): DataSet {
  return options.sessions !== undefined ? 'otto' : options.ratings !== undefined ? 'movielens' : 'retail';
}

function requireFile(path: string, flag: string): void {
  if (!existsSync(path))
    throw new PulseError('PULSE_EVAL_FILE_MISSING', `${flag}: no file at ${resolve(path)}`);
}

async function* take(source: AsyncIterable<ReplayInteraction> | Iterable<ReplayInteraction>, limit: number) {
  let n = 0;
  if (n >= limit) return;
  for await (const x of source) {
    yield x;
    n += 1;
    if (n >= limit) return;
  }
}
