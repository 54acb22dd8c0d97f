import { RecsRequestError } from './errors.js';
import type { Interaction } from './interaction.js';
import type { RecModel } from './model.js';

/** An interaction of a replay; `last` marks its session's final event, after which its state goes. */
export interface ReplayInteraction extends Interaction {
  last?: boolean;
}

export interface PrequentialOptions {
  /** How many items the model is asked for (hr@10, hr@20 and mrr@20 read the start of that list). */
  k?: number;
  /** Recent distinct items of the session passed as history. */
  historyLength?: number;
  /** Called every `progressEvery` events. */
  onProgress?: (events: number) => void;
  progressEvery?: number;
}

export interface PrequentialResult {
  events: number;
  predictions: number;
  'hr@10': number;
  'hr@20': number;
  'mrr@20': number;
  'popularity_hr@20': number;
  seconds: number;
}

interface SessionState {
  /** Recent distinct items, most recent last. */
  history: string[];
  /** Every item of the session so far: never recommended again, never a prediction target. */
  seen: Set<string>;
}

/**
 * Prequential ("test, then train") evaluation: the events are replayed in time order and, before
 * each event is learned, the model is asked for its top k given the session's history; the event's
 * item is the truth. A prediction is made when the session has a history and the item is new to the
 * session (items seen before are excluded from the answers: re-finding what one already looked at is
 * not what a recommendation is for, and MovieLens never repeats an item per user). The popularity
 * baseline answers the same questions in the same run.
 */
export async function evaluatePrequential(
  events: AsyncIterable<ReplayInteraction> | Iterable<ReplayInteraction>,
  model: RecModel,
  baseline: RecModel,
  options: PrequentialOptions = {},
): Promise<PrequentialResult> {
  const k = options.k ?? 20;
  const historyLength = options.historyLength ?? 50;
  const progressEvery = options.progressEvery ?? 100_000;
  const started = performance.now();
  const sessions = new Map<string, SessionState>();
  let count = 0;
  let predictions = 0;
  let hits10 = 0;
  let hits20 = 0;
  let reciprocal = 0;
  let baselineHits20 = 0;
  let newest = Number.NEGATIVE_INFINITY;

  for await (const x of events) {
    if (x.ts < newest) {
      throw new RecsRequestError(
        `event ${count + 1} (session ${x.session}) is older than the one before: a replay must be in time order`,
      );
    }
    newest = x.ts;
    count += 1;
    let state = sessions.get(x.session);
    if (!state) {
      state = { history: [], seen: new Set() };
      sessions.set(x.session, state);
    }
    if (state.history.length > 0 && !state.seen.has(x.item)) {
      predictions += 1;
      const rank = rankOf(model.recommend(state.history, k, state.seen), x.item);
      if (rank < 10) hits10 += 1;
      if (rank < 20) {
        hits20 += 1;
        reciprocal += 1 / (rank + 1);
      }
      if (rankOf(baseline.recommend(state.history, k, state.seen), x.item) < 20) baselineHits20 += 1;
    }
    model.learn(x);
    baseline.learn(x);
    if (x.last) {
      sessions.delete(x.session);
    } else {
      state.seen.add(x.item);
      const at = state.history.indexOf(x.item);
      if (at >= 0) state.history.splice(at, 1);
      state.history.push(x.item);
      if (state.history.length > historyLength) state.history.shift();
    }
    if (options.onProgress && count % progressEvery === 0) options.onProgress(count);
  }

  const rate = (n: number): number => (predictions === 0 ? 0 : round(n / predictions, 4));
  return {
    events: count,
    predictions,
    'hr@10': rate(hits10),
    'hr@20': rate(hits20),
    'mrr@20': rate(reciprocal),
    'popularity_hr@20': rate(baselineHits20),
    seconds: round((performance.now() - started) / 1000, 2),
  };
}

/** The result as the evaluation's last output line: exactly these keys, in this order. */
export function formatPrequentialLine(result: PrequentialResult): string {
  return JSON.stringify({
    events: result.events,
    predictions: result.predictions,
    'hr@10': result['hr@10'],
    'hr@20': result['hr@20'],
    'mrr@20': result['mrr@20'],
    'popularity_hr@20': result['popularity_hr@20'],
    seconds: result.seconds,
  });
}

function rankOf(answer: ReadonlyArray<{ item: string }>, item: string): number {
  for (let i = 0; i < answer.length; i++) if (answer[i]!.item === item) return i;
  return Number.POSITIVE_INFINITY;
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
