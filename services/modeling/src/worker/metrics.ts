import { createModelMetrics, type ModelMetrics } from '@pulse/common';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface ModelingMetrics {
  /** pulse_model_updates_total and pulse_model_freshness_seconds, shared with any other model host. */
  models: ModelMetrics;
  skipped: Counter;
  checkpointSeconds: Histogram;
  checkpointBytes: Gauge;
  checkpointFailures: Counter;
}

export function createModelingMetrics(registry: Registry): ModelingMetrics {
  return {
    models: createModelMetrics(registry),
    skipped: new Counter({
      name: 'pulse_model_skipped_events_total',
      help: 'Lines of the events topic that did not decode as stored events (ingest dead-letters them)',
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
