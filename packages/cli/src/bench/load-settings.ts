import { PulseError } from '@pulse/common';
import type { BenchFigures } from './bench-file.js';

/** What the soak and overload parts assume the pipeline takes when no e2e figure was ever measured. */
export const DEFAULT_CAPACITY_EVENTS_PER_S = 7000;

export interface Capacity {
  eventsPerS: number;
  /** Where the figure comes from: this run's e2e part, the figures file, or the default. */
  from: 'this run' | 'bench file' | 'default';
}

/** The pipeline's measured end-to-end capacity: this run's e2e figure, else the file's last one, else the default. */
export function pipelineCapacity(thisRun: BenchFigures, file: BenchFigures): Capacity {
  const valid = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v > 0;
  if (valid(thisRun['e2e_events_per_s']))
    return { eventsPerS: thisRun['e2e_events_per_s'], from: 'this run' };
  if (valid(file['e2e_events_per_s'])) return { eventsPerS: file['e2e_events_per_s'], from: 'bench file' };
  return { eventsPerS: DEFAULT_CAPACITY_EVENTS_PER_S, from: 'default' };
}

/** A whole number of seconds from the environment, `fallback` when unset. */
export function benchSeconds(
  env: Record<string, string | undefined>,
  variable: string,
  fallback: number,
  min: number,
): number {
  const raw = env[variable]?.trim();
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) {
    throw new PulseError(
      'PULSE_BENCH_USAGE',
      `${variable} must be a whole number of seconds, at least ${min} (got ${JSON.stringify(raw)})`,
    );
  }
  return value;
}
