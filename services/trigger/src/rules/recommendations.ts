import type { RecommendationSource } from '../audience/providers.js';
import type { DeliveryJob } from '../execution/jobs.js';
import { fillTemplate, pathRoot } from './template.js';

/** The template name of a person's recommended items: {{recommendations}}, {{recommendations.0.item}}. */
export const RECOMMENDATIONS = 'recommendations';

/**
 * Fills the {{recommendations...}} placeholders a decision left in the
 * message with the person's items now. The source gives none when it
 * fails, so the message goes out either way.
 */
export async function withRecommendations(
  job: DeliveryJob,
  source: RecommendationSource | undefined,
  count: number,
): Promise<DeliveryJob> {
  if (!job.recommendations) return job;
  const items = source ? await source.forPerson(job.person, count) : [];
  const message = fillTemplate(
    job.payload['message'],
    { [RECOMMENDATIONS]: items },
    (path) => pathRoot(path) !== RECOMMENDATIONS,
  );
  return { ...job, payload: { ...job.payload, message: message as DeliveryJob['payload'] } };
}
