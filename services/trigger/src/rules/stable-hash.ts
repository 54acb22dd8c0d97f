import { createHash } from 'node:crypto';

/**
 * A number in [0, 1) fixed for (salt, person): the same person lands in the
 * same holdout group and variant on every replica, replay and restart.
 */
export function stableUnit(salt: string, person: string): number {
  const digest = createHash('sha256').update(`${salt}\u0000${person}`).digest();
  return digest.readUInt32BE(0) / 0x1_0000_0000;
}

export function inHoldout(campaign: string, person: string, percent: number): boolean {
  return percent > 0 && stableUnit(`holdout:${campaign}`, person) < percent / 100;
}

/** Picks a variant by weight; a different salt from the holdout so the two splits are independent. */
export function pickVariant<V extends { weight: number }>(
  campaign: string,
  person: string,
  variants: readonly V[],
): V {
  const total = variants.reduce((s, v) => s + v.weight, 0);
  let point = stableUnit(`variant:${campaign}`, person) * total;
  for (const v of variants) {
    point -= v.weight;
    if (point < 0) return v;
  }
  return variants[variants.length - 1] as V;
}
