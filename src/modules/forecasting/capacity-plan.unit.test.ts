import { describe, expect, it } from 'vitest';
import { planCapacity } from './capacity-plan.js';

describe('the capacity plan, against a hand computation', () => {
  it('sizes a peak hour with a flash sale on top', () => {
    const plan = planCapacity({
      peakHour: { start: '2026-11-11T12:00:00.000Z', expected: 3000, upper95: 3600 },
      sales: [
        { id: 'a', name: 'small', startsAt: '2026-11-11T10:00:00Z', units: 100 },
        { id: 'b', name: 'big', startsAt: '2026-11-11T20:00:00Z', units: 500 },
      ],
      poolSize: 8,
    });
    // 3,600 / 3,600 = 1 order/s in the hour, × 3 at its busiest second; the larger sale: 500 × 4 / 1 s.
    expect(plan.ordersPerSecond).toEqual({ meanOfPeakHour: 1, busiestSecond: 3 });
    expect(plan.flashSale).toMatchObject({ attemptsPerSecond: 2000, ordersPerSecond: 500 });
    expect(plan.needs).toEqual({
      // (3 × 2.6 + 2000 × 0.48) / 1000 = 0.9678 cores; / 0.7 = 1.38 → 2
      apiProcesses: 2,
      // (3 + 500) × 2 events × 3 subscriptions = 3,018/s; / (4,900 × 0.7) → 1
      relayWorkers: 1,
      // (3 × 2.0 + 2000 × 0.26) / 1000 = 0.526; / 0.7 = 0.75 → 1
      postgresCores: 1,
      postgresNodes: 1,
      // (2 + 1) × 8
      postgresConnections: 24,
      // 2,000 / (10,600 × 0.7) → 1
      redisNodes: 1,
    });
    expect(plan.arithmetic).toHaveLength(7);
  });

  it('sizes a Double-11 peak: 583,000 orders/s at the busiest second', () => {
    const plan = planCapacity({
      peakHour: { start: '2020-11-11T00:00:00.000Z', expected: 0, upper95: 583_000 * 1200 },
      sales: [],
      poolSize: 8,
    });
    expect(plan.ordersPerSecond.busiestSecond).toBe(583_000);
    // 583,000 × 2.6 ms = 1,515.8 cores, / 0.7 → 2,166; PostgreSQL 583,000 × 2.0 ms = 1,166, / 0.7 → 1,666
    // cores, 53 nodes of 32; events 583,000 × 6 = 3,498,000/s, / 3,430 → 1,020 workers.
    expect(plan.needs).toMatchObject({
      apiProcesses: 2166,
      postgresCores: 1666,
      postgresNodes: 53,
      relayWorkers: 1020,
      redisNodes: 1,
    });
  });
});
