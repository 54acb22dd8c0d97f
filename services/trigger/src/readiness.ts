import type { ClickHouseClient } from '@pulse/clickhouse';
import { errorMessage, type Readiness } from '@pulse/common';
import type { ConsumerLagMonitor } from '@pulse/kafka';

export interface TriggerReadinessDeps {
  consumer: { readonly isRunning: boolean };
  /** The segment-changes consumer, when it runs. */
  segmentConsumer?: { readonly isRunning: boolean };
  /** BullMQ's connection (the queues). */
  redis: RedisConnection;
  /** The connection of Pulse's own state (people, caps, segments, decisions), when apart from the queues'. */
  state?: RedisConnection;
  clickhouse: Pick<ClickHouseClient, 'ping'>;
  decisions: { readonly lastError: string | undefined };
  lag: Pick<ConsumerLagMonitor, 'health'>;
  segmentLag?: Pick<ConsumerLagMonitor, 'health'>;
  /** Deletion requests: a part being retried, a full suppression list. */
  regulations?: { lastError: string | undefined; health(): string[] };
}

interface RedisConnection {
  readonly status: string;
  ping(): Promise<string>;
}

const PING_TIMEOUT_MS = 2000;

/** Why a Redis connection is not usable, or undefined when it answers PING. */
async function redisReason(name: string, redis: RedisConnection): Promise<string | undefined> {
  if (redis.status !== 'ready') return `${name} ${redis.status}`;
  // With maxRetriesPerRequest null (BullMQ's setting) a command waits out a reconnect: do not hang /readyz.
  let timer: NodeJS.Timeout | undefined;
  const pong = await Promise.race([
    redis.ping().catch((err: unknown) => `error: ${errorMessage(err)}`),
    new Promise<string>((resolve) => {
      timer = setTimeout(() => resolve(`no answer to PING in ${PING_TIMEOUT_MS} ms`), PING_TIMEOUT_MS);
    }),
  ]);
  clearTimeout(timer);
  return pong === 'PONG' ? undefined : `${name} unreachable: ${pong}`;
}

/**
 * Ready means: the events (and segment-changes) consumers are in their groups, Redis (the queues'
 * connection and the state's) answers, ClickHouse answers and takes the decisions, and the consumer
 * group keeps up (its lag is not only rising, and records do not wait with
 * nothing committed).
 */
export async function triggerReadiness(deps: TriggerReadinessDeps): Promise<Readiness> {
  const reasons: string[] = [];
  if (!deps.consumer.isRunning) reasons.push('events consumer not running (not in its Kafka group)');
  if (deps.segmentConsumer && !deps.segmentConsumer.isRunning) {
    reasons.push('segment-changes consumer not running (not in its Kafka group)');
  }
  const [queues, state] = await Promise.all([
    redisReason('Redis', deps.redis),
    deps.state ? redisReason('Redis (trigger state)', deps.state) : undefined,
  ]);
  if (queues) reasons.push(queues);
  if (state) reasons.push(state);
  const ping = await deps.clickhouse.ping().catch((err: unknown) => ({ success: false, error: err }));
  if (!ping.success)
    reasons.push(`ClickHouse unreachable: ${errorMessage('error' in ping ? ping.error : '')}`);
  if (deps.decisions.lastError)
    reasons.push(`decisions not reaching ClickHouse: ${deps.decisions.lastError}`);
  reasons.push(...deps.lag.health().reasons);
  if (deps.segmentLag) reasons.push(...deps.segmentLag.health().reasons);
  if (deps.regulations?.lastError) reasons.push(deps.regulations.lastError);
  reasons.push(...(deps.regulations?.health() ?? []));
  return { ready: reasons.length === 0, reasons };
}
