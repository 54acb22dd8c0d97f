import type { ReplayInteraction } from '@pulse/modeling';

/** A data set as the evaluation replays it: interactions in time order, and item texts if any. */
export interface ReplaySource {
  /** Human name for the summary, e.g. `OTTO sessions train.jsonl`. */
  name: string;
  /** Iterate once. */
  interactions: AsyncIterable<ReplayInteraction> | Iterable<ReplayInteraction>;
  /** Item id → description, for the content and hybrid models; absent when the data has none. */
  catalog?: ReadonlyMap<string, string>;
  /** Lines of the input that could not be read (reported, never dropped silently). */
  badLines(): number;
}

export const KINDS = ['view', 'cart', 'purchase'] as const;
