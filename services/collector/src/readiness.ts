import type { Readiness } from '@pulse/common';
import type { BatchingProducer } from '@pulse/kafka';

/** Past this share of KAFKA_MAX_PENDING_BYTES the collector is about to answer 429: it is not keeping up. */
export const BACKLOG_NOT_READY = 0.9;

/**
 * Ready means Kafka acknowledges: the producer is connected, and what waits
 * for acknowledgement is below the point where requests are refused.
 */
export function producerReadiness(status: BatchingProducer['status'], maxPendingBytes: number): Readiness {
  if (status.state !== 'ready') {
    return {
      ready: false,
      reasons: [`kafka producer ${status.state}${status.lastError ? `: ${status.lastError}` : ''}`],
    };
  }
  if (status.pendingBytes >= maxPendingBytes * BACKLOG_NOT_READY) {
    return {
      ready: false,
      reasons: [
        `kafka producer backlog: ${status.pendingBytes} of ${maxPendingBytes} bytes wait for Kafka's acknowledgement (KAFKA_MAX_PENDING_BYTES); requests beyond get 429`,
      ],
    };
  }
  return { ready: true, reasons: [] };
}
