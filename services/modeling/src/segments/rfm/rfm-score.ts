import type { CustomerProfile } from '../profiles.js';
import { dayIndex } from '../time.js';
import { type Breakpoints, quintileBreakpoints, scoreHigherBetter, scoreLowerBetter } from './quintiles.js';
import { type RfmSegmentId, rfmSegmentOf } from './rfm-segments.js';

/** The three numbers RFM is computed from. Money is net of refunds, in pennies. */
export interface RfmInput {
  lastOrderMs: number;
  orders: number;
  netPennies: number;
}

export interface RfmBreakpoints {
  /** Whole days since the last order. */
  recencyDays: Breakpoints;
  frequency: Breakpoints;
  monetaryPennies: Breakpoints;
}

export interface RfmScore {
  r: number;
  f: number;
  m: number;
  segment: RfmSegmentId;
}

/** Customers without an order have no RFM (a refund alone says nothing about buying). */
export function rfmInputOf(profile: CustomerProfile): RfmInput | null {
  if (profile.lastOrderMs === null || profile.orders === 0) return null;
  return {
    lastOrderMs: profile.lastOrderMs,
    orders: profile.orders,
    netPennies: profile.spentPennies - profile.refundedPennies,
  };
}

export function recencyDaysAt(lastOrderMs: number, nowMs: number): number {
  return Math.max(0, dayIndex(nowMs) - dayIndex(lastOrderMs));
}

export function rfmBreakpoints(inputs: readonly RfmInput[], nowMs: number): RfmBreakpoints {
  return {
    recencyDays: quintileBreakpoints(inputs.map((x) => recencyDaysAt(x.lastOrderMs, nowMs))),
    frequency: quintileBreakpoints(inputs.map((x) => x.orders)),
    monetaryPennies: quintileBreakpoints(inputs.map((x) => x.netPennies)),
  };
}

export function scoreRfm(input: RfmInput, b: RfmBreakpoints, nowMs: number): RfmScore {
  const r = scoreLowerBetter(recencyDaysAt(input.lastOrderMs, nowMs), b.recencyDays);
  const f = scoreHigherBetter(input.orders, b.frequency);
  const m = scoreHigherBetter(input.netPennies, b.monetaryPennies);
  return { r, f, m, segment: rfmSegmentOf(r, f, m) };
}

/** The batch computation: quintiles of everyone at `nowMs`, then every score. */
export function batchRfm(inputs: ReadonlyMap<string, RfmInput>, nowMs: number): Map<string, RfmScore> {
  const b = rfmBreakpoints([...inputs.values()], nowMs);
  const scores = new Map<string, RfmScore>();
  for (const [key, input] of inputs) scores.set(key, scoreRfm(input, b, nowMs));
  return scores;
}
