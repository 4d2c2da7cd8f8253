/**
 * Lead-time percentiles from log-scaled histograms, so that they can be summed across hours, days,
 * warehouses and still give a percentile. Bucket b holds durations in [2^(b/k), 2^((b+1)/k)) seconds
 * with k = LEAD_TIME_BUCKETS_PER_DOUBLING; a percentile is the nearest-rank bucket, reported as its
 * geometric midpoint 2^((b+½)/k). The true nearest-rank value then lies within a factor 2^(1/2k)
 * of the answer: with k = 8, within ±4.43 % (LEAD_TIME_RELATIVE_ERROR).
 */
export const LEAD_TIME_BUCKETS_PER_DOUBLING = 8;
export const LEAD_TIME_RELATIVE_ERROR = 2 ** (1 / (2 * LEAD_TIME_BUCKETS_PER_DOUBLING)) - 1;

export const bucketOf = (seconds: number) =>
  Math.floor(Math.log2(Math.max(seconds, 1)) * LEAD_TIME_BUCKETS_PER_DOUBLING);

export const bucketMidpoint = (bucket: number) => 2 ** ((bucket + 0.5) / LEAD_TIME_BUCKETS_PER_DOUBLING);

/**
 * The p-quantile (0 < p ≤ 1, nearest rank: the smallest value with at least ⌈p·n⌉ values at or below
 * it) of a histogram given as bucket → count; undefined when it is empty.
 */
export function percentileOf(histogram: ReadonlyMap<number, number>, p: number): number | undefined {
  const total = [...histogram.values()].reduce((a, b) => a + b, 0);
  if (total === 0) return undefined;
  const rank = Math.max(1, Math.ceil(p * total));
  let seen = 0;
  for (const bucket of [...histogram.keys()].sort((a, b) => a - b)) {
    seen += histogram.get(bucket) ?? 0;
    if (seen >= rank) return bucketMidpoint(bucket);
  }
  return undefined;
}
