/**
 * Whether a customer keeps their current cluster: yes while it is at most `hysteresis` (0.1 = 10 %)
 * farther than the nearest centroid. A refit that nudges a boundary past a customer does not move
 * them; a customer who really changed (or whose cluster is gone, current = −1) does.
 */
export function keepsCluster(
  current: number,
  nearest: number,
  currentSquaredDistance: number,
  nearestSquaredDistance: number,
  hysteresis: number,
): boolean {
  if (current < 0) return false;
  if (current === nearest) return true;
  return currentSquaredDistance <= (1 + hysteresis) ** 2 * nearestSquaredDistance;
}
