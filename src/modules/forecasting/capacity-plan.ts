import { CAPACITY_ASSUMPTIONS, CAPACITY_RATES } from './capacity-rates.js';

export interface CapacityInput {
  /** The forecast's busiest hour of the day, without flash-sale uplift (sales are counted as attempts). */
  peakHour: { start: string; expected: number; upper95: number };
  /** The day's flash sales: units each puts on sale. */
  sales: { id: string; name: string; startsAt: string; units: number }[];
  /** DATABASE_POOL_SIZE: connections each API process and relay worker opens. */
  poolSize: number;
}

export interface CapacityPlan {
  peakHour: CapacityInput['peakHour'];
  ordersPerSecond: { meanOfPeakHour: number; busiestSecond: number };
  flashSale: { sales: CapacityInput['sales']; attemptsPerSecond: number; ordersPerSecond: number };
  needs: {
    apiProcesses: number;
    relayWorkers: number;
    postgresCores: number;
    postgresNodes: number;
    postgresConnections: number;
    redisNodes: number;
  };
  /** The sums, written out, so the plan can be checked by hand. */
  arithmetic: string[];
}

const r = CAPACITY_RATES;
const a = CAPACITY_ASSUMPTIONS;
const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

/**
 * Sizes the peak: the busiest second of the forecast's busiest hour (its upper 95% bound × the
 * peak-second factor), with the day's largest flash sale arriving on top of it, turned into CPU from
 * the measured per-order and per-attempt costs, then into nodes kept below the target utilisation.
 */
export function planCapacity(input: CapacityInput): CapacityPlan {
  const meanOfPeakHour = input.peakHour.upper95 / 3600;
  const orders = meanOfPeakHour * a.peakSecondFactor;
  // Sales at different times do not add up: the plan is for the largest.
  const units = Math.max(0, ...input.sales.map((s) => s.units));
  const attempts = (units * a.saleAttemptsPerUnit) / a.saleArrivalSeconds;
  const saleOrders = units / a.saleArrivalSeconds;

  const apiCores = (orders * r.apiCpuMsPerOrder.value + attempts * r.apiCpuMsPerSaleAttempt.value) / 1000;
  const pgCores =
    (orders * r.postgresCpuMsPerOrder.value + attempts * r.postgresCpuMsPerSaleAttempt.value) / 1000;
  const events = (orders + saleOrders) * a.eventsPerOrder * a.subscriptions;
  const apiProcesses = Math.max(1, Math.ceil(apiCores / a.targetUtilisation));
  const relayWorkers = Math.max(
    1,
    Math.ceil(events / (r.relayEventsPerSecondPerWorker.value * a.targetUtilisation)),
  );
  const postgresCores = Math.max(1, Math.ceil(pgCores / a.targetUtilisation));
  const redisNodes = Math.max(
    1,
    Math.ceil(attempts / (r.redisGateCallsPerSecond.value * a.targetUtilisation)),
  );
  const u = a.targetUtilisation;
  return {
    peakHour: input.peakHour,
    ordersPerSecond: { meanOfPeakHour: round(meanOfPeakHour, 4), busiestSecond: round(orders, 4) },
    flashSale: { sales: input.sales, attemptsPerSecond: attempts, ordersPerSecond: saleOrders },
    needs: {
      apiProcesses,
      relayWorkers,
      postgresCores,
      postgresNodes: Math.ceil(postgresCores / a.postgresCoresPerNode),
      postgresConnections: (apiProcesses + relayWorkers) * input.poolSize,
      redisNodes,
    },
    arithmetic: [
      `orders/s at the busiest second = ${input.peakHour.upper95} (upper 95% of the peak hour) / 3600 × ${a.peakSecondFactor} = ${round(orders, 4)}`,
      `flash-sale attempts/s = ${units} units × ${a.saleAttemptsPerUnit} buyers per unit / ${a.saleArrivalSeconds} s = ${attempts}`,
      `API cores = (${round(orders, 4)} × ${r.apiCpuMsPerOrder.value} ms + ${attempts} × ${r.apiCpuMsPerSaleAttempt.value} ms) / 1000 = ${round(apiCores)}; / ${u} → ${apiProcesses} processes`,
      `PostgreSQL cores = (${round(orders, 4)} × ${r.postgresCpuMsPerOrder.value} ms + ${attempts} × ${r.postgresCpuMsPerSaleAttempt.value} ms) / 1000 = ${round(pgCores)}; / ${u} → ${postgresCores}`,
      `events/s = (${round(orders, 4)} + ${saleOrders}) orders × ${a.eventsPerOrder} events × ${a.subscriptions} subscriptions = ${round(events)}; / (${r.relayEventsPerSecondPerWorker.value} × ${u}) → ${relayWorkers} relay workers`,
      `Redis gate calls/s = ${attempts}; / (${r.redisGateCallsPerSecond.value} × ${u}) → ${redisNodes} Redis`,
      `PostgreSQL connections = (${apiProcesses} + ${relayWorkers}) processes × DATABASE_POOL_SIZE ${input.poolSize} = ${(apiProcesses + relayWorkers) * input.poolSize}`,
    ],
  };
}
