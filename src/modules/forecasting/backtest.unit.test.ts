import { describe, expect, it } from 'vitest';
import { mae, naive, naiveScale, scoreOrigin, seasonalNaive } from './backtest.js';
import type { ForecastPoint } from './order-forecast.js';

const point = (expected: number, lower80: number, upper80: number, closed = false): ForecastPoint => ({
  start: '2026-01-01T00:00:00.000Z',
  expected,
  lower80,
  upper80,
  lower95: lower80 - 1,
  upper95: upper80 + 1,
  closed,
});

describe('backtest maths, against a hand computation', () => {
  // Season m = 2. In-sample seasonal naive errors |4−3|, |6−5|, |5−4|, |7−6| → scale 4 / 4 = 1.
  const training = [3, 5, 4, 6, 5, 7];
  const actual = [6, 8, 4];

  it('computes the scale, the benchmarks and the error', () => {
    expect(naiveScale(training, 2)).toBe(1);
    // Naive (m = 1): |5−3| + |4−5| + |6−4| + |5−6| + |7−5| = 8 over 5.
    expect(naiveScale(training, 1)).toBeCloseTo(1.6, 10);
    expect(seasonalNaive(training, 2, 3)).toEqual([5, 7, 5]);
    expect(naive(training, 3)).toEqual([7, 7, 7]);
    expect(mae([6, 8, 4], [6, 7, 5])).toBeCloseTo(2 / 3, 10);
  });

  it('scores an origin: MASE of model, seasonal naive and naive, and interval coverage', () => {
    const forecast = [point(6, 5, 7), point(7, 7, 9), point(5, 5, 6)];
    const score = scoreOrigin('o', training, actual, forecast, 2);
    // Model |6−6| + |8−7| + |4−5| = 2 → 2/3; seasonal naive [5,7,5]: 1+1+1 → 1; naive [7,7,7]: 1+1+3 → 5/3.
    expect(score.mase.model).toBeCloseTo(2 / 3, 10);
    expect(score.mase.seasonalNaive).toBeCloseTo(1, 10);
    expect(score.mase.naive).toBeCloseTo(5 / 3, 10);
    // 6 ∈ [5,7], 8 ∈ [7,9], 4 ∉ [5,6]; the 95% intervals (one wider each side) hold all three.
    expect(score).toMatchObject({ scored: 3, within80: 2, within95: 3 });
  });

  it('leaves out of coverage only the buckets forecast closed that were indeed empty', () => {
    const forecast = [point(0, 0, 0, true), point(0, 0, 0, true), point(5, 4, 6)];
    const score = scoreOrigin('o', training, [0, 3, 5], forecast, 2);
    // Bucket 1 had 3 orders though forecast closed: a miss that counts; bucket 0 is not scored.
    expect(score).toMatchObject({ scored: 2, within80: 1, within95: 1 });
    // Errors |0−0| + |3−0| + |5−5| = 3 → MASE 1 with scale 1.
    expect(score.mase.model).toBeCloseTo(1, 10);
  });
});
