import { percentile } from './trigger-latency.js';

/**
 * How many requests an open-loop generator started `elapsedMs` ago should have sent by now at
 * `rate` per second: request i is due at i × 1000 / rate ms, whatever became of those before it, so
 * a slow answer never delays the next question (no coordinated omission).
 */
export function dueRequests(elapsedMs: number, rate: number, total: number): number {
  if (elapsedMs < 0) return 0;
  return Math.min(total, Math.floor((elapsedMs * rate) / 1000) + 1);
}

export interface LatencySummary {
  p50: number;
  p99: number;
  max: number;
  /** Answers per second over `seconds`. */
  rps: number;
}

/** Percentiles (nearest rank) and maximum of latencies in ms, and the rate they were answered at. */
export function summariseLatencies(latencies: readonly number[], seconds: number): LatencySummary {
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? 0,
    rps: seconds > 0 ? latencies.length / seconds : 0,
  };
}
