import { setFlagsFromString } from 'node:v8';

/**
 * Caps how far V8 lets its old generation grow past what survived the last full collection: the
 * next limit becomes live × (1 + percent / 100) instead of V8's own factor, up to 4× when it
 * collects fast. A process whose live heap holds a large state and whose garbage outlives the young
 * generation then collects before hundreds of MB of it pile up, so its memory stays near its live
 * size instead of swinging. V8 reads the flag whenever it sets a limit, so set at start it acts as
 * `node --heap-growing-percent` does (which NODE_OPTIONS does not accept). The flag is process-wide:
 * an entry point sets it, not a service's start(). 0 keeps V8's own factor.
 */
export function capHeapGrowth(percent: number): void {
  if (percent > 0) setFlagsFromString(`--heap-growing-percent=${Math.round(percent)}`);
}
