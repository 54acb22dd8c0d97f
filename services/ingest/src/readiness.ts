import type { ClickHouseClient } from '@pulse/clickhouse';
import { errorMessage, type Readiness } from '@pulse/common';
import type { BatchingProducer, ConsumerLagMonitor } from '@pulse/kafka';
import type { IngestConsumer } from './ingest-consumer.js';

export interface IngestReadinessDeps {
  consumer: Pick<IngestConsumer, 'degraded'>;
  clickhouse: Pick<ClickHouseClient, 'ping'>;
  producer: Pick<BatchingProducer, 'ready' | 'status'>;
  lag: Pick<ConsumerLagMonitor, 'health'>;
  /** Deletion requests: a part being retried, a full suppression list. */
  regulations?: { lastError: string | undefined; health(): string[] };
}

/**
 * Ready means: ClickHouse answers, inserts are not being retried, the
 * dead-letter producer is connected, and the consumer group keeps up (its
 * lag is not only rising, and records do not wait with nothing committed).
 */
export async function ingestReadiness(deps: IngestReadinessDeps): Promise<Readiness> {
  const reasons: string[] = [];
  const d = deps.consumer.degraded;
  if (d.degraded) reasons.push(d.reason);
  const ping = await deps.clickhouse.ping().catch((err: unknown) => ({ success: false, error: err }));
  if (!ping.success)
    reasons.push(`ClickHouse unreachable: ${errorMessage('error' in ping ? ping.error : '')}`);
  if (!deps.producer.ready) reasons.push(`Kafka producer ${deps.producer.status.state}`);
  reasons.push(...deps.lag.health().reasons);
  if (deps.regulations?.lastError) reasons.push(deps.regulations.lastError);
  reasons.push(...(deps.regulations?.health() ?? []));
  return { ready: reasons.length === 0, reasons };
}
