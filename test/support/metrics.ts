import type { createMetricsRegistry } from '@pulse/common';

/** A service's prom-client registry (the type is prom-client's, reached through @pulse/common). */
export type Registry = ReturnType<typeof createMetricsRegistry>;

/** The sum of a metric's series whose labels match `labels` (a counter or gauge read in process). */
export async function metricValue(
  registry: Registry,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const found = registry.getSingleMetric(name);
  if (!found) throw new Error(`no metric ${name}`);
  const { values } = await found.get();
  return values
    .filter((v) => Object.entries(labels).every(([k, want]) => v.labels[k] === want))
    .reduce((sum, v) => sum + v.value, 0);
}
