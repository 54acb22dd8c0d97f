import type { ItemFilter, Recommendation } from './model.js';
import type { PopularityModel } from './popularity.js';

/**
 * Completes a short answer with the most popular items not yet in it nor excluded, scored 0 (no
 * evidence from the history): new people and items with too few neighbours still get k answers.
 */
export function fillWithPopular(
  answer: Recommendation[],
  k: number,
  popularity: PopularityModel,
  exclude: ItemFilter | undefined,
): Recommendation[] {
  if (answer.length >= k) return answer;
  const chosen = new Set(answer.map((r) => r.item));
  const filter: ItemFilter = { has: (item) => chosen.has(item) || (exclude?.has(item) ?? false) };
  for (const r of popularity.recommend([], k - answer.length, filter))
    answer.push({ item: r.item, score: 0 });
  return answer;
}

/** The distinct items of `history`, most recent first, at most `limit`. */
export function recentDistinct(history: readonly string[], limit: number): string[] {
  const out: string[] = [];
  for (let i = history.length - 1; i >= 0 && out.length < limit; i--) {
    const item = history[i]!;
    if (!out.includes(item)) out.push(item);
  }
  return out;
}
