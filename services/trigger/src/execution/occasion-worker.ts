import type { Logger } from '@pulse/common';
import { type ConnectionOptions, type Job, Worker } from 'bullmq';
import type { TriggerMetrics } from '../metrics.js';
import { type DecideDeps, decide } from './decide.js';
import type { Decision, DecisionSink } from './decisions.js';
import type { DeliveryLanes } from './delivery-lanes.js';
import { DELIVERY_JOB, type OccasionJob } from './jobs.js';

export interface OccasionWorkerOptions {
  queueName: string;
  prefix: string;
  connection: ConnectionOptions;
  concurrency: number;
  lockDurationMs: number;
  decide: DecideDeps;
  lanes: DeliveryLanes;
  decisions: DecisionSink;
  metrics: TriggerMetrics;
  logger: Logger;
}

export function decisionRow(
  job: { campaignId: string; person: string; occasion: string; eventMessageId: string; eventTime: string },
  jobId: string,
  fields: Pick<Decision, 'outcome' | 'reason' | 'variant' | 'channel'>,
  now: number,
): Decision {
  return {
    campaign_id: job.campaignId,
    person: job.person,
    occasion: job.occasion,
    job_id: jobId,
    event_message_id: job.eventMessageId,
    event_time: job.eventTime,
    decided_at: new Date(now).toISOString(),
    ...fields,
  };
}

/**
 * Decides each occasion when its time comes (at once, or after an abandoned
 * cart's wait) and hands the action to its channel's queue under the same
 * job id, delayed through quiet hours. A retried decision claims the same
 * cap slot and adds the same delivery job, so it cannot act twice.
 */
export function startOccasionWorker(opts: OccasionWorkerOptions): Worker<OccasionJob> {
  const process = async (job: Job<OccasionJob>) => {
    const jobId = job.id ?? '';
    const campaign = opts.decide.campaigns.get(job.data.campaignId);
    const channel = campaign?.channel.type ?? 'none';
    const verdict = await decide(job.data, jobId, opts.decide);
    if (verdict.outcome === 'deliver') {
      if (!campaign) return;
      const queue = opts.lanes.queueFor(campaign);
      if (!queue) throw new Error(`no delivery queue for campaign ${campaign.id}`);
      await queue.add(DELIVERY_JOB, verdict.delivery, {
        ...opts.lanes.jobOptions,
        jobId,
        delay: verdict.delayMs,
      });
      if (verdict.delayMs > 0) {
        opts.metrics.actions.record({ campaign: campaign.id, channel, outcome: 'quiet_hours' });
      }
      return;
    }
    const event = job.data.event;
    await opts.decisions.record(
      decisionRow(
        { ...job.data, eventMessageId: event.message_id, eventTime: event.timestamp },
        jobId,
        { outcome: verdict.outcome, reason: verdict.reason, variant: verdict.variant ?? '', channel },
        opts.decide.now(),
      ),
    );
    opts.metrics.actions.record({ campaign: job.data.campaignId, channel, outcome: verdict.outcome });
    opts.logger.debug(
      { jobId, messageId: event.message_id, campaign: job.data.campaignId, outcome: verdict.outcome },
      'occasion decided without action',
    );
  };
  const worker = new Worker<OccasionJob>(opts.queueName, process, {
    connection: opts.connection,
    prefix: opts.prefix,
    concurrency: opts.concurrency,
    // A dead worker's jobs are found stalled and run again after about one lock duration.
    lockDuration: opts.lockDurationMs,
    stalledInterval: opts.lockDurationMs,
  });
  worker.on('error', (err) => opts.logger.error({ err: err.message }, 'occasion worker error'));
  worker.on('failed', (job, err) =>
    opts.logger.warn(
      { jobId: job?.id, messageId: job?.data.event.message_id, err: err.message },
      'occasion job failed, BullMQ retries it',
    ),
  );
  return worker;
}
