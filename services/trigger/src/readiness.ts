import type { ClickHouseClient } from '@pulse/clickhouse';
import { errorMessage, type Readiness } from '@pulse/common';
import type { ConsumerLagMonitor } from '@pulse/kafka';

export interface TriggerReadinessDeps {
  consumer: { readonly isRunning: boolean };
  /** The segment-changes consumer, when it runs. */
  segmentConsumer?: { readonly isRunning: boolean };
  redis: { readonly status: string; ping(): Promise<string> };
  clickhouse: Pick<ClickHouseClient, 'ping'>;
  decisions: { readonly lastError: string | undefined };
  lag: Pick<ConsumerLagMonitor, 'health'>;
  segmentLag?: Pick<ConsumerLagMonitor, 'health'>;
  /** Deletion requests: a part being retried, a full suppression list. */
  regulations?: { lastError: string | undefined; health(): string[] };
}

const PING_TIMEOUT_MS = 2000;

/**
 * Ready means: the events (and segment-changes) consumers are in their groups, Redis (the queues)
 * answers, ClickHouse answers and takes the decisions, and the consumer
 * group keeps up (its lag is not only rising, and records do not wait with
 * nothing committed).
 */
export async function triggerReadiness(deps: TriggerReadinessDeps): Promise<Readiness> {
  const reasons: string[] = [];
  if (!deps.consumer.isRunning) reasons.push('events consumer not running (not in its Kafka group)');
  if (deps.segmentConsumer && !deps.segmentConsumer.isRunning) {
    reasons.push('segment-changes consumer not running (not in its Kafka group)');
  }
  if (deps.redis.status !== 'ready') reasons.push(`Redis ${deps.redis.status}`);
  else {
    // With maxRetriesPerRequest null (BullMQ's setting) a command waits out a reconnect: do not hang /readyz.
    let timer: NodeJS.Timeout | undefined;
    const pong = await Promise.race([
      deps.redis.ping().catch((err: unknown) => `error: ${errorMessage(err)}`),
      new Promise<string>((resolve) => {
        timer = setTimeout(() => resolve(`no answer to PING in ${PING_TIMEOUT_MS} ms`), PING_TIMEOUT_MS);
      }),
    ]);
    clearTimeout(timer);
    if (pong !== 'PONG') reasons.push(`Redis unreachable: ${pong}`);
  }
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
