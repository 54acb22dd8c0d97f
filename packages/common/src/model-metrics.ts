import { Counter, Gauge, type Registry } from 'prom-client';

export interface ModelMetrics {
  /** One incremental update of `model` was applied (count per update, e.g. per event or per batch). */
  updated(model: string, updates?: number): void;
  /** `model` now reflects events up to `eventTime` (the newest event it has taken in). */
  reflects(model: string, eventTime: Date | number): void;
}

/**
 * For the modeling worker: `pulse_model_updates_total{model}` (rate() gives
 * updates per second) and `pulse_model_freshness_seconds{model}`, the age of
 * the newest event a model reflects, computed when scraped so that a model
 * that stopped updating is seen ageing.
 */
export function createModelMetrics(registry: Registry, now: () => number = Date.now): ModelMetrics {
  const newest = new Map<string, number>();
  const updates = new Counter({
    name: 'pulse_model_updates_total',
    help: 'Incremental updates applied to a model',
    labelNames: ['model'],
    registers: [registry],
  });
  new Gauge({
    name: 'pulse_model_freshness_seconds',
    help: 'Age of the newest event a model reflects',
    labelNames: ['model'],
    registers: [registry],
    collect() {
      const at = now();
      for (const [model, time] of newest) this.set({ model }, Math.max(0, (at - time) / 1000));
    },
  });
  return {
    updated(model, count = 1) {
      updates.inc({ model }, count);
    },
    reflects(model, eventTime) {
      const time = typeof eventTime === 'number' ? eventTime : eventTime.getTime();
      if (time > (newest.get(model) ?? Number.NEGATIVE_INFINITY)) newest.set(model, time);
    },
  };
}
