import { collectDefaultMetrics, Registry } from 'prom-client';

/**
 * Each service owns its registry: a global one leaks metrics between tests
 * and between services that share a process in embedded mode.
 */
export function createMetricsRegistry(service: string, options: { defaultMetrics?: boolean } = {}): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'pulse_' });
  return registry;
}
