import { MS_PER_DAY } from './config.js';

/**
 * Exponential decay without touching every counter at every event.
 *
 * A count that decays with time constant τ is, at time T, C(T) = Σ w_e · exp(−(T − t_e)/τ). We store
 * S = Σ w_e · exp((t_e − t0)/τ) instead, relative to an anchor time t0, so that learning an event
 * adds one term and no other counter changes: C(T) = S · exp(−(T − t0)/τ). Because every stored
 * value shares the same factor, ratios of counts (cosine) and rankings (popularity, LLR, which scales
 * linearly) do not depend on the time they are read. The incremental sum equals the batch sum up to
 * floating-point rounding, whatever the order of the events.
 *
 * The terms grow like exp(t/τ); before they could overflow, `advance` moves the anchor to the
 * newest event time and hands back the factor (exp(−Δ/τ) < 1) by which the owner multiplies every
 * stored value: one pass over the state once every RENORMALISE_AFTER time constants (64 τ = 5 years
 * at a 30-day half-life), so it costs nothing per event.
 */
export const RENORMALISE_AFTER = 64;

export class DecayClock {
  /** Time constant in ms; null: no decay, every factor is 1. */
  readonly tauMs: number | null;
  private anchor: number | null;

  constructor(halfLifeDays: number | null, anchorMs: number | null = null) {
    this.tauMs = halfLifeDays === null ? null : (halfLifeDays * MS_PER_DAY) / Math.LN2;
    this.anchor = anchorMs;
  }

  get anchorMs(): number | null {
    return this.anchor;
  }

  /**
   * Call with every event time before `weight`. Returns 1, or the factor by which every stored
   * value must be multiplied now because the anchor moved.
   */
  advance(ts: number): number {
    if (this.tauMs === null) return 1;
    if (this.anchor === null) {
      this.anchor = ts;
      return 1;
    }
    if ((ts - this.anchor) / this.tauMs <= RENORMALISE_AFTER) return 1;
    const factor = Math.exp((this.anchor - ts) / this.tauMs);
    this.anchor = ts;
    return factor;
  }

  /** The stored weight of something that happened at `ts`. */
  weight(ts: number): number {
    if (this.tauMs === null || this.anchor === null) return 1;
    return Math.exp((ts - this.anchor) / this.tauMs);
  }

  /** The factor turning stored values into decayed counts as of `atMs`. */
  readFactor(atMs: number): number {
    if (this.tauMs === null || this.anchor === null) return 1;
    return Math.exp((this.anchor - atMs) / this.tauMs);
  }
}
