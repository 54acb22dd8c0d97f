import { errorMessage } from '@pulse/common';
import { type Exposition, parseExposition } from './exposition.js';

export interface Target {
  name: string;
  /** Base URL of the service's /metrics and /readyz. */
  url: string;
}

export interface Scrape {
  target: Target;
  at: number;
  /** Undefined when /metrics could not be read; then `error` says why. */
  metrics?: Exposition;
  error?: string;
  /** /readyz: undefined when it could not be asked. */
  ready?: boolean;
  reasons: string[];
}

/** Reads a service's /metrics and /readyz; an unreachable service is a result, not an exception. */
export async function scrape(target: Target, timeoutMs = 3000): Promise<Scrape> {
  const base = target.url.replace(/\/+$/, '');
  const at = Date.now();
  const [metrics, readiness] = await Promise.all([
    readMetrics(`${base}/metrics`, timeoutMs),
    readReadiness(`${base}/readyz`, timeoutMs),
  ]);
  return { target, at, ...metrics, ...readiness };
}

/** One /metrics read and parsed; a failure is `error`, never an exception. */
export async function readMetrics(
  url: string,
  timeoutMs: number,
): Promise<{ metrics?: Exposition; error?: string }> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) return { error: `GET /metrics answered ${res.status}` };
    return { metrics: parseExposition(await res.text()) };
  } catch (err) {
    return { error: describeFetchError(err) };
  }
}

async function readReadiness(
  url: string,
  timeoutMs: number,
): Promise<{ ready?: boolean; reasons: string[] }> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    const body = (await res.json().catch(() => ({}))) as { reasons?: unknown };
    return {
      ready: res.status === 200,
      reasons: Array.isArray(body.reasons) ? body.reasons.map(String) : [],
    };
  } catch {
    return { reasons: [] };
  }
}

function describeFetchError(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code) return cause.code;
  if (cause?.message) return cause.message;
  if (err instanceof Error && err.name === 'TimeoutError') return 'no answer in time';
  return errorMessage(err);
}
