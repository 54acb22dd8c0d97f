import { RecsRequestError } from './errors.js';
import type { Interaction } from './interaction.js';

export interface Recommendation {
  item: string;
  score: number;
}

/**
 * What every recommendation model offers, so that the evaluation, the worker and the API drive any
 * of them the same way. `learn` and `recommend` are synchronous and deterministic: the same events in
 * the same order give the same answers, in the evaluation and in production.
 */
export interface RecModel {
  readonly name: string;
  /** Learns one interaction. Interactions should come in event-time order per session. */
  learn(x: Interaction): void;
  /**
   * The `k` best items for someone whose recent items are `history` (oldest first, most recent last),
   * best first, none of them in `exclude`. Fewer than `k` only when the model knows fewer items.
   */
  recommend(history: readonly string[], k: number, exclude?: ItemFilter): Recommendation[];
  /**
   * Forgets what the model keeps per session or person (a deletion request); aggregated counts stay.
   * Absent: the model keeps nothing per person. Returns whether there was something to forget.
   */
  forgetSession?(session: string): boolean;
}

/** Items to leave out of an answer: a Set works, so does anything with `has`. */
export interface ItemFilter {
  has(item: string): boolean;
}

/** Checks `k` at the edge: a bad k from a caller is a request error, never a crash inside. */
export function assertK(k: number): void {
  if (!Number.isInteger(k) || k < 1) throw new RecsRequestError(`k must be a positive integer, got ${k}`);
}
