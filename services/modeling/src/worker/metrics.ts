import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface ModelingMetrics {
  updates: Counter<'model'>;
  skipped: Counter;
  freshness: Gauge;
  checkpointSeconds: Histogram;
  checkpointBytes: Gauge;
  checkpointFailures: Counter;
}

export function createModelingMetrics(registry: Registry, newestEventMs: () => number): ModelingMetrics {
  return {
    updates: new Counter({
      name: 'pulse_model_updates_total',
      help: 'Events applied to each model',
      labelNames: ['model'],
      registers: [registry],
    }),
    skipped: new Counter({
      name: 'pulse_model_skipped_events_total',
      help: 'Lines of the events topic that did not decode as stored events (ingest dead-letters them)',
      registers: [registry],
    }),
    freshness: new Gauge({
      name: 'pulse_model_freshness_seconds',
      help: 'Age of the newest event (by received time) reflected in the models',
      registers: [registry],
      collect() {
        const newest = newestEventMs();
        this.set(newest > 0 ? (Date.now() - newest) / 1000 : 0);
      },
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
