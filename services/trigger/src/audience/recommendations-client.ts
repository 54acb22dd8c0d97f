import { errorMessage, type Logger } from '@pulse/common';
import type { RecommendationsConfig } from '../config.js';
import type { RecommendationSource, RecommendedItem } from './providers.js';

const LOG_INTERVAL_MS = 10_000;

/** How a lookup ended: ok (items, maybe none), unknown_user (404), failed (timeout, error, bad answer). */
export type RecommendationOutcome = 'ok' | 'unknown_user' | 'failed';

function itemsOf(body: unknown): RecommendedItem[] | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const items = (body as Record<string, unknown>)['items'];
  if (!Array.isArray(items)) return undefined;
  return items.flatMap((i: unknown) => {
    if (!i || typeof i !== 'object') return [];
    const { item, score } = i as Record<string, unknown>;
    return typeof item === 'string' && typeof score === 'number' && Number.isFinite(score)
      ? [{ item, score }]
      : [];
  });
}

/**
 * The modeling service's recommendations API as a RecommendationSource:
 * `GET <url>/v1/recommendations/users/:userId?k=N`, a Bearer key when
 * configured, and a short timeout. A 404 is a person the models do not know
 * (no items); any failure gives no items too, counted and logged, so a
 * message is never held up by recommendations.
 */
export function recommendationsClient(
  config: RecommendationsConfig,
  deps: { logger: Logger; count(outcome: RecommendationOutcome): void },
): RecommendationSource {
  const headers: Record<string, string> = { accept: 'application/json' };
  // An API that is down fails every message: one line per interval says so, the metric counts them all.
  let lastLog = 0;
  let unlogged = 0;
  if (config.apiKey) headers['authorization'] = `Bearer ${config.apiKey}`;
  return {
    async forPerson(person, limit) {
      const url = `${config.url}/v1/recommendations/users/${encodeURIComponent(person)}?k=${limit}`;
      try {
        const res = await fetch(url, { headers, signal: AbortSignal.timeout(config.timeoutMs) });
        if (res.status === 404) {
          await res.arrayBuffer();
          deps.count('unknown_user');
          return [];
        }
        if (!res.ok) throw new Error(`answered ${res.status}`);
        const items = itemsOf(await res.json());
        if (!items) throw new Error('answered without an items list');
        deps.count('ok');
        return items.slice(0, limit);
      } catch (err) {
        deps.count('failed');
        unlogged += 1;
        if (Date.now() - lastLog >= LOG_INTERVAL_MS) {
          deps.logger.warn(
            { err: errorMessage(err), failures: unlogged, url: config.url },
            'recommendations unavailable: messages go without them',
          );
          lastLog = Date.now();
          unlogged = 0;
        }
        return [];
      }
    },
  };
}
