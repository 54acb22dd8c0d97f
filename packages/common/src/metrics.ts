import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import { mallocStats, nativeTrimStats } from './native-memory-trim.js';

/**
 * Each service owns its registry: a global one leaks metrics between tests
 * and between services that share a process in embedded mode.
 */
export function createMetricsRegistry(service: string, options: { defaultMetrics?: boolean } = {}): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  if (options.defaultMetrics ?? true) {
    collectDefaultMetrics({ register: registry, prefix: 'pulse_' });
    registerNativeTrimMetrics(registry);
  }
  return registry;
}

/** What the process's native memory trimmer did (see native-memory-trim.ts); 0 where nothing trims. */
function registerNativeTrimMetrics(registry: Registry): void {
  // A counter, as its name says: each scrape adds the trims since the last one.
  let counted = 0;
  new Counter({
    name: 'pulse_native_memory_trims_total',
    help: 'Times this process gave freed native memory back to the system (malloc_trim)',
    registers: [registry],
    collect() {
      const trims = nativeTrimStats().trims;
      this.inc(trims - counted);
      counted = trims;
    },
  });
  new Gauge({
    name: 'pulse_native_memory_trim_longest_seconds',
    help: 'Longest trim so far; it runs on a worker thread, but holds each malloc arena while it trims it',
    registers: [registry],
    collect() {
      this.set(nativeTrimStats().longestMs / 1000);
    },
  });
  new Gauge({
    name: 'pulse_native_malloc_bytes',
    help: "glibc malloc's arenas (where the process trims): in_use, free (kept by the arenas), mmapped",
    labelNames: ['kind'],
    registers: [registry],
    collect() {
      const m = mallocStats();
      if (!m) return;
      this.set({ kind: 'in_use' }, m.inUse);
      this.set({ kind: 'free' }, m.free);
      this.set({ kind: 'mmapped' }, m.mmapped);
    },
  });
}
