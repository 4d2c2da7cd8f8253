/**
 * Splits `total` over `weights` in proportion, in whole minor units, largest remainder first (ties to
 * the earlier share), so the parts always add up to `total` exactly and no part exceeds its weight
 * when total ≤ sum(weights).
 */
export function allocate(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((s, w) => s + w, 0);
  if (total === 0 || sum === 0) return weights.map(() => 0);
  const exact = weights.map((w) => (total * w) / sum);
  const parts = exact.map(Math.floor);
  let left = total - parts.reduce((s, p) => s + p, 0);
  const order = exact.map((e, i) => ({ i, r: e - Math.floor(e) })).sort((a, b) => b.r - a.r || a.i - b.i);
  for (const { i } of order) {
    if (left <= 0) break;
    parts[i]! += 1;
    left -= 1;
  }
  return parts;
}

/** `amount × numerator ÷ denominator`, rounded half up (amounts are non-negative). */
export const share = (amount: number, numerator: number, denominator: number): number =>
  denominator === 0 ? 0 : Math.floor((amount * numerator * 2 + denominator) / (denominator * 2));
