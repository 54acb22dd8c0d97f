import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface CollectorMetrics {
  httpRequests: Counter<'route' | 'status'>;
  httpDuration: Histogram<'route'>;
  events: Counter<'outcome' | 'reason'>;
  produceDuration: Histogram<'outcome'>;
  produceBatchMessages: Histogram;
  rateLimited: Counter<'source'>;
  consentDenied: Counter<'source'>;
  suppressed: Counter<'source'>;
}

/** The routes of Segment's API as metrics label them (the one-letter aliases count as their endpoint). */
export const EVENT_ROUTES = ['batch', 'track', 'identify', 'page', 'screen', 'group', 'alias'].map(
  (e) => `/v1/${e}`,
);

/**
 * `pendingBytes` reads the producer's backlog when scraped
 * (pulse_kafka_producer_pending_bytes); without it the gauge is not exported.
 */
export function createCollectorMetrics(registry: Registry, pendingBytes?: () => number): CollectorMetrics {
  const metrics: CollectorMetrics = {
    httpRequests: new Counter({
      name: 'pulse_http_requests_total',
      help: 'HTTP requests answered, by route and status code',
      labelNames: ['route', 'status'],
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: 'pulse_http_request_duration_seconds',
      help: 'Time to answer an HTTP request, including the wait for Kafka',
      labelNames: ['route'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    events: new Counter({
      name: 'pulse_collector_events_total',
      help: 'Events received, by outcome (accepted, rejected, unavailable) and rejection reason',
      labelNames: ['outcome', 'reason'],
      registers: [registry],
    }),
    produceDuration: new Histogram({
      name: 'pulse_kafka_produce_duration_seconds',
      help: 'Time for Kafka to acknowledge one produce request (acks=all)',
      labelNames: ['outcome'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    produceBatchMessages: new Histogram({
      name: 'pulse_kafka_produce_batch_messages',
      help: 'Messages per produce request',
      buckets: [1, 10, 50, 100, 500, 1000, 5000, 10000],
      registers: [registry],
    }),
    rateLimited: new Counter({
      name: 'pulse_collector_rate_limited_total',
      help: 'Events refused with 429 because their source was over its rate limit, by source',
      labelNames: ['source'],
      registers: [registry],
    }),
    consentDenied: new Counter({
      name: 'pulse_collector_consent_denied_total',
      help: 'Valid events acknowledged but not stored because their consent denies the required category, by source',
      labelNames: ['source'],
      registers: [registry],
    }),
    suppressed: new Counter({
      name: 'pulse_collector_suppressed_total',
      help: 'Valid events acknowledged but not stored because their user is suppressed (POST /v1/regulations), by source',
      labelNames: ['source'],
      registers: [registry],
    }),
  };
  if (pendingBytes) {
    new Gauge({
      name: 'pulse_kafka_producer_pending_bytes',
      help: "Bytes accepted and waiting for Kafka's acknowledgement; at KAFKA_MAX_PENDING_BYTES requests get 429",
      registers: [registry],
      collect() {
        this.set(pendingBytes());
      },
    });
  }
  // Series known in advance exist from the start, so rates and alerts see them before the first event.
  metrics.events.inc({ outcome: 'accepted', reason: '' }, 0);
  metrics.events.inc({ outcome: 'unavailable', reason: 'kafka' }, 0);
  metrics.produceDuration.zero({ outcome: 'ok' });
  metrics.produceDuration.zero({ outcome: 'error' });
  for (const route of EVENT_ROUTES) metrics.httpDuration.zero({ route });
  return metrics;
}
