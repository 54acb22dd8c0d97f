export function meanAbsoluteError(actual: ArrayLike<number>, predicted: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < actual.length; i += 1) sum += Math.abs(actual[i]! - predicted[i]!);
  return actual.length === 0 ? 0 : sum / actual.length;
}

/** Coefficient of determination: 1 − SSE / SST (negative when worse than predicting the mean). */
export function rSquared(actual: ArrayLike<number>, predicted: ArrayLike<number>): number {
  const n = actual.length;
  let mean = 0;
  for (let i = 0; i < n; i += 1) mean += actual[i]!;
  mean /= n;
  let sse = 0;
  let sst = 0;
  for (let i = 0; i < n; i += 1) {
    sse += (actual[i]! - predicted[i]!) ** 2;
    sst += (actual[i]! - mean) ** 2;
  }
  return sst === 0 ? 0 : 1 - sse / sst;
}

/**
 * Area under the ROC curve as the Mann-Whitney statistic: the probability that a random positive
 * scores above a random negative, ties counting half (average ranks).
 */
export function rocAuc(labels: ArrayLike<number>, scores: ArrayLike<number>): number {
  const n = labels.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  let positives = 0;
  let rankSum = 0;
  let i = 0;
  while (i < n) {
    let j = i;
    while (j + 1 < n && scores[order[j + 1]!] === scores[order[i]!]) j += 1;
    const averageRank = (i + j) / 2 + 1;
    for (let t = i; t <= j; t += 1) {
      if (labels[order[t]!] === 1) {
        positives += 1;
        rankSum += averageRank;
      }
    }
    i = j + 1;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return 0.5;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}
