/**
 * Dunning's log-likelihood ratio (G²) of a 2×2 contingency table, in the entropy form Mahout uses:
 * k11 = both items, k12 = the first without the second, k21 = the second without the first,
 * k22 = neither. Works on real-valued (weighted, decayed) counts, and scales linearly with them:
 * llr(a·k) = a·llr(k), so decay never reorders neighbours.
 */
export function logLikelihoodRatio(k11: number, k12: number, k21: number, k22: number): number {
  const rowEntropy = entropy2(k11 + k12, k21 + k22);
  const columnEntropy = entropy2(k11 + k21, k12 + k22);
  const matrixEntropy = entropy4(k11, k12, k21, k22);
  // Round-off can make an independent table come out slightly negative.
  if (rowEntropy + columnEntropy < matrixEntropy) return 0;
  return 2 * (rowEntropy + columnEntropy - matrixEntropy);
}

/**
 * The ratio for a pair that occurs together more often than chance, 0 otherwise: a recommendation
 * wants items that attract each other, and G² alone is as large for items that avoid each other.
 */
export function positiveLlr(k11: number, k12: number, k21: number, k22: number): number {
  if (k11 <= 0 || k11 * (k21 + k22) <= k21 * (k11 + k12)) return 0;
  return logLikelihoodRatio(k11, k12, k21, k22);
}

function xLogX(x: number): number {
  return x <= 0 ? 0 : x * Math.log(x);
}

function entropy2(a: number, b: number): number {
  return xLogX(a + b) - xLogX(a) - xLogX(b);
}

function entropy4(a: number, b: number, c: number, d: number): number {
  return xLogX(a + b + c + d) - xLogX(a) - xLogX(b) - xLogX(c) - xLogX(d);
}
