import type { ModelSettings } from '@pulse/modeling';

export type DataSet = 'otto' | 'movielens' | 'retail';

/**
 * Per data set settings, chosen on the first half of each replay in time (`--limit`) and never on
 * the figures reported: the time scales differ by orders of magnitude (OTTO spans 4 weeks, Online
 * Retail a year, MovieLens 22 years), so the decay half-lives do too, and the popularity baseline
 * gets the half-life that suits it best on the same prefix. Everything else keeps the defaults of
 * recs/config.ts. `--config` is merged over these.
 */
export function presetFor(dataSet: DataSet): ModelSettings {
  switch (dataSet) {
    case 'movielens':
      // Prefix (50,000 events): popularity 3/30/365/3650 days → 0.069/0.102/0.111/0.097, so 365;
      // co-occurrence 90/180/365/730/3650 days → 365; K 50 vs 200 → 200.
      return halfLives(365, 365, 200);
    case 'retail':
      // Prefix (200,000 events): popularity 7/30/365 days → 0.072/0.066/0.060, so 7;
      // co-occurrence 30 vs 365 → 30.
      return halfLives(7, 30);
    case 'otto':
      // 20 sessions: too few to tune anything; the product defaults.
      return {};
  }
}

function halfLives(popularityDays: number, cooccurrenceDays: number, neighbours?: number): ModelSettings {
  const popularity = { halfLifeDays: popularityDays };
  const knn = {
    cooccurrence: { halfLifeDays: cooccurrenceDays },
    popularity,
    ...(neighbours === undefined ? {} : { neighbours }),
  };
  const content = { popularity };
  return {
    popularity,
    knn,
    svd: { halfLifeDays: cooccurrenceDays, popularity },
    content,
    hybrid: { knn, content },
  };
}

/** `override` merged into `base`, objects field by field, anything else replaced. */
export function mergeSettings(base: unknown, override: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(override)) return override === undefined ? base : override;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) out[key] = mergeSettings(base[key], value);
  return out;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
