import type { Logger } from '@pulse/common';
import type { DeliveryJob } from '../execution/jobs.js';
import type { Channel } from './channel.js';

/** Writes the action to the log: for the demo and for trying a campaign before wiring an endpoint. */
export function logChannel(logger: Logger): Channel {
  return {
    name: 'log',
    async deliver(job: DeliveryJob, jobId: string) {
      logger.info({ jobId, campaign: job.campaignId, variant: job.variant, payload: job.payload }, 'action');
    },
  };
}
