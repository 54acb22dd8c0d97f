import { errorMessage, type Logger } from '@pulse/common';
import { type ConnectionOptions, type Job, UnrecoverableError, Worker } from 'bullmq';
import type { Channel } from '../channels/channel.js';
import { DeliveryError } from '../channels/channel.js';
import type { TriggerMetrics } from '../metrics.js';
import type { DecisionSink } from './decisions.js';
import type { DeliveryJob } from './jobs.js';
import { decisionRow } from './occasion-worker.js';

export interface DeliveryWorkerOptions {
  queueName: string;
  prefix: string;
  connection: ConnectionOptions;
  channel: Channel;
  concurrency: number;
  lockDurationMs: number;
  /** BullMQ's limiter: at most `max` jobs per `durationMs` on this queue (one endpoint). */
  limiter?: { max: number; durationMs: number };
  /** Completes the job just before sending (recommendations filled in now). */
  prepare?: (job: DeliveryJob) => Promise<DeliveryJob>;
  decisions: DecisionSink;
  metrics: TriggerMetrics;
  logger: Logger;
  now: () => number;
}

/**
 * Delivers actions through one channel. A permanent refusal goes straight
 * to BullMQ's failed set (UnrecoverableError); a transient one is retried
 * with exponential backoff and jitter until the attempts run out, then it
 * stays in the failed set, where `Job.retry()` can send it again.
 */
export function startDeliveryWorker(opts: DeliveryWorkerOptions): Worker<DeliveryJob> {
  const record = async (job: Job<DeliveryJob>, outcome: 'sent' | 'failed', reason: string) => {
    await opts.decisions.record(
      decisionRow(
        job.data,
        job.id ?? '',
        { outcome, reason, variant: job.data.variant, channel: opts.channel.name },
        job.data.decidedAt ? Date.parse(job.data.decidedAt) : opts.now(),
      ),
    );
    opts.metrics.actions.record({
      campaign: job.data.campaignId,
      channel: opts.channel.name,
      outcome: outcome === 'sent' ? 'delivered' : 'failed',
      ...(outcome === 'sent' ? { eventTime: Date.parse(job.data.eventReceivedAt) } : {}),
    });
    const line = {
      jobId: job.id,
      messageId: job.data.eventMessageId,
      campaign: job.data.campaignId,
      channel: opts.channel.name,
    };
    if (outcome === 'sent') opts.logger.debug(line, 'action delivered');
    else opts.logger.warn({ ...line, reason }, 'action failed: left in the failed set');
  };
  const process = async (job: Job<DeliveryJob>) => {
    try {
      const ready = opts.prepare ? await opts.prepare(job.data) : job.data;
      await opts.channel.deliver(ready, job.id ?? '');
    } catch (err) {
      const permanent = err instanceof DeliveryError && !err.retriable;
      const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      if (permanent || lastAttempt) {
        await record(job, 'failed', errorMessage(err));
        throw permanent ? new UnrecoverableError(errorMessage(err)) : err;
      }
      // A timed-out request may have arrived all the same: the retry carries the same Pulse-Id for the receiver to drop.
      opts.logger.warn(
        {
          jobId: job.id,
          campaign: job.data.campaignId,
          attempt: job.attemptsMade + 1,
          reason: errorMessage(err),
        },
        'action not delivered, BullMQ retries it',
      );
      throw err;
    }
    await record(job, 'sent', '');
  };
  const worker = new Worker<DeliveryJob>(opts.queueName, process, {
    connection: opts.connection,
    prefix: opts.prefix,
    concurrency: opts.concurrency,
    // A dead worker's jobs are found stalled and run again after about one lock duration.
    lockDuration: opts.lockDurationMs,
    stalledInterval: opts.lockDurationMs,
    ...(opts.limiter ? { limiter: { max: opts.limiter.max, duration: opts.limiter.durationMs } } : {}),
  });
  worker.on('error', (err) => opts.logger.error({ err: err.message }, 'delivery worker error'));
  return worker;
}
