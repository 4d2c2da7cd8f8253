/**
 * What one node did in this project's benchmarks, and the command that measured it: the capacity plan
 * turns forecast load into nodes from these. All were measured on the project's 2-core VM with the load
 * generator on the same cores (README, Benchmarks), so they are floors for a dedicated machine; re-run
 * the command on the target hardware and replace the figure, keeping the command beside it.
 */
export interface MeasuredRate {
  value: number;
  unit: string;
  measuredBy: string;
  measuredOn: string;
  note: string;
}

export const CAPACITY_RATES = {
  apiCpuMsPerOrder: {
    value: 2.6,
    unit: 'ms of API-process CPU per order placed, the relay and in-process consumers included',
    measuredBy: 'BENCH_BACKENDS=postgres BENCH_PHASES=orders npm run bench:orders',
    measuredOn: '2026-12-06',
    note: "PostgreSQL, 32 connections, 382 orders/s on 2 cores; with the relay's catch-up after the load (2.34 ms without)",
  },
  postgresCpuMsPerOrder: {
    value: 2.0,
    unit: 'ms of PostgreSQL CPU per order placed, the relay and in-process consumers included',
    measuredBy: 'BENCH_BACKENDS=postgres BENCH_PHASES=orders npm run bench:orders',
    measuredOn: '2026-12-06',
    note: "same run, with the relay's catch-up (1.69 ms without)",
  },
  apiCpuMsPerSaleAttempt: {
    value: 0.48,
    unit: 'ms of API-process CPU per flash-sale attempt',
    measuredBy: 'npm run bench:flash',
    measuredOn: '2026-12-02',
    note: 'Redis + PostgreSQL, queued intake, sale phase (2,000 buyers for 500 units within 1 s), winners included',
  },
  postgresCpuMsPerSaleAttempt: {
    value: 0.26,
    unit: 'ms of PostgreSQL CPU per flash-sale attempt',
    measuredBy: 'npm run bench:flash',
    measuredOn: '2026-12-02',
    note: 'same phase; the 500 winners do all of it, the losers never reach the database',
  },
  relayEventsPerSecondPerWorker: {
    value: 4_900,
    unit: 'events delivered per second by one relay worker',
    measuredBy: 'npm run bench:sync',
    measuredOn: '2026-12-02',
    note: 'webhook, the slowest transport (RabbitMQ 9,300, NATS 7,800)',
  },
  redisGateCallsPerSecond: {
    value: 10_600,
    unit: 'flash-gate Lua calls per second on one Redis',
    measuredBy: 'npm run bench:redis-gate',
    measuredOn: '2026-12-04',
    note: "losers' path; winners' 8,800–10,200/s; redis-benchmark GET 11,500–14,000/s at the same time, the VM at load average ~20 on 2 cores",
  },
} satisfies Record<string, MeasuredRate>;

/** How the plan reads the forecast and what it leaves as headroom: assumptions, not measurements. */
export const CAPACITY_ASSUMPTIONS = {
  /** Busiest second ÷ mean second of the peak hour: arrivals bunch (Poisson plus marketing pushes). */
  peakSecondFactor: 3,
  /** Keep every node below this share of its CPU (latency rises steeply past it). */
  targetUtilisation: 0.7,
  /** Buyers per unit on sale, and the seconds they arrive in: bench:flash's sale phase (2,000 for 500 in 1 s). */
  saleAttemptsPerUnit: 4,
  saleArrivalSeconds: 1,
  /** Events per order in its peak hour (order.placed, and order.paid soon after), each to every subscription. */
  eventsPerOrder: 2,
  subscriptions: 3,
  /** Cores of one PostgreSQL node before it must be scaled out (read replicas, then distribution). */
  postgresCoresPerNode: 32,
} as const;
