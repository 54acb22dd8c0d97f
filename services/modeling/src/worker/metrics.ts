import { createModelMetrics, type ModelMetrics } from '@pulse/common';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface ModelingMetrics {
  /** pulse_model_updates_total and pulse_model_freshness_seconds, shared with any other model host. */
  models: ModelMetrics;
  skipped: Counter;
  duplicates: Counter;
  excluded: Counter<'reason'>;
  checkpointSeconds: Histogram;
  checkpointBytes: Gauge;
  checkpointFailures: Counter;
}

export function createModelingMetrics(registry: Registry): ModelingMetrics {
  return {
    models: createModelMetrics(registry),
    skipped: new Counter({
      name: 'pulse_model_skipped_events_total',
      help: 'Lines of the events topic that did not decode as stored events, and records with none (ingest dead-letters them)',
      registers: [registry],
    }),
    duplicates: new Counter({
      name: 'pulse_model_duplicate_events_total',
      help: 'Events seen again by messageId (a retried request) and applied once',
      registers: [registry],
    }),
    excluded: new Counter({
      name: 'pulse_model_excluded_events_total',
      help: 'Events not applied to the models: their consent refuses MODELING_CONSENT_CATEGORY (consent), or their person is deleted or suppressed (regulation)',
      labelNames: ['reason'],
      registers: [registry],
    }),
    checkpointSeconds: new Histogram({
      name: 'pulse_model_checkpoint_duration_seconds',
      help: 'Time to write one checkpoint of the models and their offsets',
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    checkpointBytes: new Gauge({
      name: 'pulse_model_checkpoint_bytes',
      help: 'Size of the last checkpoint (serialised state)',
      registers: [registry],
    }),
    checkpointFailures: new Counter({
      name: 'pulse_model_checkpoint_failures_total',
      help: 'Checkpoints that could not be written (retried at the next interval)',
      registers: [registry],
    }),
  };
}
