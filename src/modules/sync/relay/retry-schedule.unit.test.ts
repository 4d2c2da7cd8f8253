import { describe, expect, it } from 'vitest';
import { nominalRetryDelaySeconds, RETRY, retrySchedule } from './retry-schedule.js';

describe('retry schedule', () => {
  it('grows by a factor of 3 from 5 s, is capped at a day, and reaches past a day in total', () => {
    expect([1, 2, 3, 4].map(nominalRetryDelaySeconds)).toEqual([5, 15, 45, 135]);
    expect(nominalRetryDelaySeconds(10)).toBe(86_400);
    const rows = retrySchedule();
    expect(rows).toHaveLength(RETRY.maxAttempts - 1);
    expect(Math.max(...rows.map((r) => r.delaySeconds))).toBe(86_400);
    expect(rows.at(-1)!.totalSeconds).toBe(222_005);
  });
});
