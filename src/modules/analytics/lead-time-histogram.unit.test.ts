import { describe, expect, it } from 'vitest';
import { bucketOf, LEAD_TIME_RELATIVE_ERROR, percentileOf } from './lead-time-histogram.js';

/** The nearest-rank percentile of raw values, computed independently. */
function exactPercentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil(p * sorted.length)) - 1]!;
}

describe('lead-time histograms', () => {
  it('give p50 and p90 within the stated relative error of the exact nearest-rank values', () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    };
    // log-normal-ish durations from seconds to weeks
    const values = Array.from({ length: 5000 }, () => Math.round(Math.exp(2 + random() * 12)));
    const histogram = new Map<number, number>();
    for (const v of values) histogram.set(bucketOf(v), (histogram.get(bucketOf(v)) ?? 0) + 1);
    for (const p of [0.5, 0.9, 0.99]) {
      const exact = exactPercentile(values, p);
      const estimate = percentileOf(histogram, p)!;
      expect(Math.abs(estimate / exact - 1)).toBeLessThanOrEqual(LEAD_TIME_RELATIVE_ERROR + 1e-12);
    }
    expect(LEAD_TIME_RELATIVE_ERROR).toBeCloseTo(0.0443, 4);
  });

  it('has no percentile for an empty histogram and counts sub-second durations as one second', () => {
    expect(percentileOf(new Map(), 0.5)).toBeUndefined();
    expect(bucketOf(0)).toBe(0);
    expect(bucketOf(0.2)).toBe(0);
  });
});
