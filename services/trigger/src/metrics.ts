import { type ActionMetrics, createActionMetrics } from '@pulse/common';
import { Counter, type Registry } from 'prom-client';

export interface TriggerMetrics {
  /** pulse_actions_total{campaign,channel,outcome} and pulse_event_to_action_seconds{channel}. */
  actions: ActionMetrics;
  /**
   * Stored events read, by outcome: matched (opened an occasion), unmatched, stale (would have, but
   * too late: TRIGGER_MAX_LATENESS_HOURS), invalid (left to ingest's dead letters).
   */
  events: Counter<'outcome'>;
  occasions: Counter<'campaign'>;
}

export function createTriggerMetrics(registry: Registry): TriggerMetrics {
  const metrics: TriggerMetrics = {
    actions: createActionMetrics(registry),
    events: new Counter({
      name: 'pulse_trigger_events_total',
      help: 'Stored events read by the trigger service, by outcome (matched, unmatched, stale, invalid)',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    occasions: new Counter({
      name: 'pulse_trigger_occasions_total',
      help: 'Occasion jobs added (redelivered ones included: BullMQ keeps one per id)',
      labelNames: ['campaign'],
      registers: [registry],
    }),
  };
  for (const outcome of ['matched', 'unmatched', 'stale', 'invalid']) metrics.events.inc({ outcome }, 0);
  return metrics;
}
