import type { Logger } from '@pulse/common';
import { type JobsOptions, Queue, type Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { deliveryQueueName } from '../campaigns/registry.js';
import type { Campaign } from '../campaigns/schema.js';
import { logChannel } from '../channels/log-channel.js';
import { webhookChannel } from '../channels/webhook.js';
import type { TriggerConfig } from '../config.js';
import type { TriggerMetrics } from '../metrics.js';
import type { DecisionSink } from './decisions.js';
import { startDeliveryWorker } from './delivery-worker.js';
import type { DeliveryJob } from './jobs.js';

/**
 * One queue and worker per channel endpoint, so each endpoint has its own
 * rate limit and a slow one does not hold up the others. Lanes are added
 * when a campaign with a new endpoint arrives (at start or through the API).
 */
export class DeliveryLanes {
  readonly queues = new Map<string, Queue<DeliveryJob>>();
  private readonly workers: Worker<DeliveryJob>[] = [];

  constructor(
    private readonly deps: {
      config: TriggerConfig;
      redis: Redis;
      decisions: DecisionSink;
      metrics: TriggerMetrics;
      logger: Logger;
      now: () => number;
    },
  ) {}

  get jobOptions(): JobsOptions {
    const { webhook, keepJobsHours } = this.deps.config;
    return {
      attempts: webhook.attempts,
      backoff: { type: 'exponential', delay: webhook.backoffMs, jitter: 0.5 },
      removeOnComplete: { age: keepJobsHours * 3600 },
      // Failed deliveries stay: inspect with Queue.getFailed (or GET /campaigns/:id/failed), send again with Job.retry.
      removeOnFail: false,
    };
  }

  queueFor(campaign: Campaign): Queue<DeliveryJob> | undefined {
    return this.queues.get(deliveryQueueName(this.deps.config.queueName, campaign.channel));
  }

  ensure(campaign: Campaign): void {
    const { config, redis, logger, now } = this.deps;
    const name = deliveryQueueName(config.queueName, campaign.channel);
    if (this.queues.has(name)) return;
    const spec = campaign.channel;
    const channel =
      spec.type === 'webhook'
        ? webhookChannel({
            url: spec.url,
            secret: config.webhook.secret ?? '',
            timeoutMs: config.webhook.timeoutMs,
            now,
          })
        : logChannel(logger.child({ channel: 'log' }));
    const limit = spec.type === 'webhook' ? spec.rateLimit : undefined;
    this.queues.set(name, new Queue<DeliveryJob>(name, { connection: redis, prefix: config.queuePrefix }));
    this.workers.push(
      startDeliveryWorker({
        queueName: name,
        prefix: config.queuePrefix,
        connection: redis,
        channel,
        concurrency: config.concurrency,
        lockDurationMs: config.lockDurationMs,
        ...(limit ? { limiter: { max: limit.max, durationMs: Math.round(limit.perSeconds * 1000) } } : {}),
        decisions: this.deps.decisions,
        metrics: this.deps.metrics,
        logger,
        now,
      }),
    );
  }

  /** Lets running deliveries finish, then closes workers and queues. */
  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close()));
    await Promise.all([...this.queues.values()].map((q) => q.close()));
  }
}
