import { type ActionMetrics, createActionMetrics } from '@pulse/common';
import { Counter, Histogram, type Registry } from 'prom-client';

export interface TriggerMetrics {
  /** pulse_actions_total{campaign,channel,outcome} and pulse_event_to_action_seconds{channel}. */
  actions: ActionMetrics;
  /**
   * Stored events read, by outcome: matched (opened an occasion), unmatched, stale (would have, but
   * too late: TRIGGER_MAX_LATENESS_HOURS), invalid (left to ingest's dead letters).
   */
  events: Counter<'outcome'>;
  occasions: Counter<'campaign'>;
  /**
   * Segment changes read, by outcome: matched (opened an occasion), unmatched, stale (published too
   * long ago), superseded (a newer change of that person and segment was already applied), invalid.
   */
  segmentChanges: Counter<'outcome'>;
  /** Recommendation lookups for messages, by outcome: ok, unknown_user, failed (the message went without). */
  recommendations: Counter<'outcome'>;
  /** Decisions moved from the Redis stream to ClickHouse, and failed attempts (retried). */
  decisions: { inserted(rows: number): void; failed(): void };
  /** The campaign API, under the collector's names: pulse_http_requests_total, pulse_http_request_duration_seconds. */
  http: HttpMetrics;
}

export interface HttpMetrics {
  /** `route` is the route pattern (/campaigns/:id), never the raw URL: ids would make a series each. */
  observe(route: string, status: number, seconds: number): void;
}

/**
 * The trigger's own metrics. Queue depths (pulse_queue_jobs) and consumer
 * lag (pulse_kafka_consumer_lag) are registered beside them in start(),
 * from the queues and the lag monitor. Decision inserts share ingest's
 * pulse_clickhouse_insert_failures_total{kind} so that one alert
 * (PulseClickHouseInsertsFailing) watches every writer.
 */
export function createTriggerMetrics(registry: Registry): TriggerMetrics {
  const inserted = new Counter({
    name: 'pulse_trigger_decisions_inserted_total',
    help: 'Decisions moved from the Redis stream into ClickHouse',
    registers: [registry],
  });
  const failures = new Counter({
    name: 'pulse_clickhouse_insert_failures_total',
    help: 'Inserts into ClickHouse that failed, by kind (unavailable: retried)',
    labelNames: ['kind'],
    registers: [registry],
  });
  failures.inc({ kind: 'unavailable' }, 0);
  const httpRequests = new Counter({
    name: 'pulse_http_requests_total',
    help: 'HTTP requests answered, by route and status code',
    labelNames: ['route', 'status'],
    registers: [registry],
  });
  const httpDuration = new Histogram({
    name: 'pulse_http_request_duration_seconds',
    help: 'Time to answer an HTTP request of the campaign API',
    labelNames: ['route'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const metrics: TriggerMetrics = {
    actions: createActionMetrics(registry),
    events: new Counter({
      name: 'pulse_trigger_events_total',
      help: 'Stored events read by the trigger service, by outcome (matched, unmatched, stale, invalid, regulated: a deleted or suppressed person)',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    occasions: new Counter({
      name: 'pulse_trigger_occasions_total',
      help: 'Occasion jobs added (redelivered ones included: BullMQ keeps one per id)',
      labelNames: ['campaign'],
      registers: [registry],
    }),
    segmentChanges: new Counter({
      name: 'pulse_trigger_segment_changes_total',
      help: 'Segment changes read by the trigger service, by outcome (matched, unmatched, stale, superseded, invalid, regulated)',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    recommendations: new Counter({
      name: 'pulse_trigger_recommendations_total',
      help: 'Recommendation lookups for messages, by outcome (ok, unknown_user, failed: sent without them)',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    decisions: {
      inserted: (rows) => inserted.inc(rows),
      // Every failed move is retried from the stream: nothing is lost, as with ingest's "unavailable".
      failed: () => failures.inc({ kind: 'unavailable' }),
    },
    http: {
      observe(route, status, seconds) {
        httpRequests.inc({ route, status: String(status) });
        httpDuration.observe({ route }, seconds);
      },
    },
  };
  for (const outcome of ['matched', 'unmatched', 'stale', 'invalid', 'regulated']) {
    metrics.events.inc({ outcome }, 0);
  }
  for (const outcome of ['matched', 'unmatched', 'stale', 'superseded', 'invalid', 'regulated']) {
    metrics.segmentChanges.inc({ outcome }, 0);
  }
  for (const outcome of ['ok', 'unknown_user', 'failed']) metrics.recommendations.inc({ outcome }, 0);
  return metrics;
}
