import type { Logger } from '@pulse/common';
import { type JobsOptions, Queue, type Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { RecommendationSource } from '../audience/providers.js';
import { deliveryQueueName } from '../campaigns/registry.js';
import type { Campaign } from '../campaigns/schema.js';
import type { Channel } from '../channels/channel.js';
import { emailChannel } from '../channels/email/email-channel.js';
import { type HttpPoster, httpPoster } from '../channels/http-post.js';
import { logChannel } from '../channels/log-channel.js';
import { webhookChannel } from '../channels/webhook.js';
import type { TriggerConfig } from '../config.js';
import type { TriggerMetrics } from '../metrics.js';
import { withRecommendations } from '../rules/recommendations.js';
import type { DecisionSink } from './decisions.js';
import { startDeliveryWorker } from './delivery-worker.js';
import type { DeliveryJob } from './jobs.js';

/** Items fetched per message when no recommendations configuration says otherwise. */
const DEFAULT_RECOMMENDATIONS = 5;

/**
 * One queue and worker per channel endpoint, so each endpoint has its own
 * rate limit and a slow one does not hold up the others. Lanes are added
 * when a campaign with a new endpoint arrives (at start or through the API).
 */
export class DeliveryLanes {
  readonly queues = new Map<string, Queue<DeliveryJob>>();
  private readonly workers: Worker<DeliveryJob>[] = [];
  private readonly channels: Channel[] = [];
  /** One connection pool for every webhook endpoint. */
  private readonly http: HttpPoster;

  constructor(
    private readonly deps: {
      config: TriggerConfig;
      redis: Redis;
      decisions: DecisionSink;
      metrics: TriggerMetrics;
      logger: Logger;
      now: () => number;
      recommendations?: RecommendationSource;
    },
  ) {
    this.http = httpPoster({ allowPrivate: deps.config.webhook.allowPrivate ?? false });
  }

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
    const channel = this.channelFor(spec);
    this.channels.push(channel);
    const limit = spec.type === 'log' ? undefined : spec.rateLimit;
    const count = config.recommendations?.count ?? DEFAULT_RECOMMENDATIONS;
    const recommendations = this.deps.recommendations;
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
        prepare: (job) => withRecommendations(job, recommendations, count),
        decisions: this.deps.decisions,
        metrics: this.deps.metrics,
        logger,
        now,
      }),
    );
  }

  private channelFor(spec: Campaign['channel']): Channel {
    const { config, logger, now } = this.deps;
    if (spec.type === 'webhook') {
      return webhookChannel({
        url: spec.url,
        secret: config.webhook.secret ?? '',
        timeoutMs: config.webhook.timeoutMs,
        http: this.http,
        now,
      });
    }
    if (spec.type === 'email') {
      // checkSupported refuses email campaigns without SMTP settings or a sender.
      const smtp = config.smtp;
      if (!smtp) throw new Error('an email channel needs TRIGGER_SMTP_URL');
      return emailChannel({ smtp, ...(smtp.from ? { from: smtp.from } : {}), now });
    }
    return logChannel(logger.child({ channel: 'log' }));
  }

  /** Lets running deliveries finish, then closes workers, queues and kept-alive connections. */
  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close()));
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    for (const c of this.channels) c.close?.();
    this.http.close();
  }
}
