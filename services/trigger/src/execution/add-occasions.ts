import type { Logger } from '@pulse/common';
import type { JobsOptions, Queue } from 'bullmq';
import type { TriggerMetrics } from '../metrics.js';
import { OCCASION_JOB, type OccasionJob } from './jobs.js';
import type { NewOccasion } from './occasions.js';

/** Adds occasion jobs in one call; an id already there (a redelivery) is left as it is by BullMQ. */
export async function addOccasions(
  queue: Queue<OccasionJob>,
  jobOptions: JobsOptions,
  occasions: readonly NewOccasion[],
  deps: { metrics: TriggerMetrics; logger: Logger },
): Promise<void> {
  if (occasions.length === 0) return;
  await queue.addBulk(
    occasions.map((o) => ({
      name: OCCASION_JOB,
      data: o.data,
      opts: { ...jobOptions, jobId: o.jobId, delay: o.delayMs },
    })),
  );
  for (const o of occasions) {
    deps.metrics.occasions.inc({ campaign: o.data.campaignId });
    // The event's messageId and the job id tie this line to the decision and the delivery.
    deps.logger.debug(
      { messageId: o.data.event.message_id, jobId: o.jobId, campaign: o.data.campaignId },
      'occasion opened',
    );
  }
}
