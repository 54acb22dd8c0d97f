import { Counter, Histogram, type Registry } from 'prom-client';

/** Seconds; Pulse's objective is an action within a second of the event. */
export const EVENT_TO_ACTION_BUCKETS = [0.05, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 10, 30, 60];

export interface ActionOutcome {
  campaign: string;
  channel: string;
  /** e.g. delivered, failed, capped, quiet_hours, holdout, duplicate */
  outcome: string;
  /** When the event that caused the action happened (its receivedAt); set for delivered actions. */
  eventTime?: Date | number;
}

export interface ActionMetrics {
  record(action: ActionOutcome): void;
}

/**
 * For the trigger service: `pulse_actions_total{campaign,channel,outcome}`
 * and `pulse_event_to_action_seconds{channel}`, the time from the event's
 * arrival to the action's delivery.
 */
export function createActionMetrics(registry: Registry, now: () => number = Date.now): ActionMetrics {
  const actions = new Counter({
    name: 'pulse_actions_total',
    help: 'Marketing actions, by campaign, channel and outcome',
    labelNames: ['campaign', 'channel', 'outcome'],
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'pulse_event_to_action_seconds',
    help: 'Time from an event reaching the collector to the action it triggered being delivered',
    labelNames: ['channel'],
    buckets: EVENT_TO_ACTION_BUCKETS,
    registers: [registry],
  });
  return {
    record({ campaign, channel, outcome, eventTime }) {
      actions.inc({ campaign, channel, outcome });
      if (eventTime === undefined) return;
      const time = typeof eventTime === 'number' ? eventTime : eventTime.getTime();
      latency.observe({ channel }, Math.max(0, (now() - time) / 1000));
    },
  };
}
