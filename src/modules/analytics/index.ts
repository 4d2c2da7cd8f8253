import type { Module } from '../../platform/module.js';
import { type AnalyticsDeps, analyticsRoutes } from './analytics.routes.js';
import { analyticsFacts } from './analytics-facts.consumer.js';
import * as m1205_1400 from './migrations/20261205_1400_analytics.js';
import * as m1206_0500 from './migrations/20261206_0500_narrow_rollups.js';
import * as m1208_0200 from './migrations/20261208_0200_sku_warehouse_sales.js';
import * as m1208_0201 from './migrations/20261208_0201_lead_times_weekly.js';
import * as m1212_0300 from './migrations/20261212_0300_placed_marks.js';
import * as m1212_0301 from './migrations/20261212_0301_sales_by_month.js';
import * as m1212_0500 from './migrations/20261212_0500_rolled_orders.js';
import { refreshRollups } from './rollup-refresh.js';

export { refreshAllRollups, refreshRollups } from './rollup-refresh.js';

/**
 * Analytics of the order book: facts kept from the events (exactly once, through the consumer's
 * inbox), hourly rollups refreshed by a job for the hours the facts touched (new orders' share added,
 * changed orders' difference from what was rolled up applied), and reads of the rollups
 * only. Fresh within the relay's delay plus one scheduler interval (5 s by default).
 */
export const analyticsModule = {
  name: 'analytics',
  migrations: {
    '20261205_1400_analytics': m1205_1400,
    '20261206_0500_narrow_rollups': m1206_0500,
    '20261208_0200_sku_warehouse_sales': m1208_0200,
    '20261208_0201_lead_times_weekly': m1208_0201,
    '20261212_0300_placed_marks': m1212_0300,
    '20261212_0301_sales_by_month': m1212_0301,
    '20261212_0500_rolled_orders': m1212_0500,
  },
  routes: [analyticsRoutes],
  consumes: [analyticsFacts],
  jobs: (deps) => [{ name: 'refresh analytics rollups', run: () => refreshRollups(deps.db) }],
} satisfies Module<AnalyticsDeps>;
