/**
 * npm run bench:forecast — the order-volume forecast on a real shop's history (UCI Online Retail,
 * 2010-12-01 to 2011-10-31), loaded into an embedded PGlite through the history loader, then:
 *
 *   backtest  rolling origin, BENCH_ORIGINS (default 8) origins a week apart, BENCH_HORIZON (default 14)
 *             days each, the last one ending with the history: MASE of the model, of seasonal naive
 *             (same weekday last week) and of naive, and how many actual days the 80%/95% intervals held
 *   hourly    the same at hourly granularity (the same origins, horizon × 24 hours)
 *   ahead     the forecast of the five weeks after the file (the Nov–Dec peak kept back from it)
 *
 *   BENCH_DATA_DIR  a PGlite directory to keep the loaded history in (default: in memory)
 */
import { loadUciHistory } from '../src/history/load-history.js';
import type { Backtest } from '../src/modules/forecasting/backtest.js';
import {
  backtestOrderForecast,
  forecastOrderVolume,
} from '../src/modules/forecasting/forecasting.service.js';
import { modules } from '../src/modules.js';
import { connectDatabase } from '../src/platform/db/connect.js';
import { migrateToLatest } from '../src/platform/db/migrate.js';

const FILE = '../shared/fixtures/datasets/online-retail.2010-12-01_2011-10-31.csv.gz';
const END = new Date('2011-11-01T00:00:00Z');
const ORIGINS = Number(process.env.BENCH_ORIGINS ?? 8);
const HORIZON = Number(process.env.BENCH_HORIZON ?? 14);

const handle = await connectDatabase({ dataDir: process.env.BENCH_DATA_DIR });
await migrateToLatest(handle.db, modules);
let started = Date.now();
const load = await loadUciHistory(handle.db, FILE);
console.log(
  `loaded ${load.lines} lines, ${load.invoices} invoices: ${load.ordersAdded} orders added, ` +
    `${load.ordersAlreadyThere} already there, in ${((Date.now() - started) / 1000).toFixed(1)} s`,
);
console.log('left out:', JSON.stringify(load.skipped));

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
function report(name: string, b: Backtest, ms: number) {
  console.log(`\n${name}: ${b.origins.length} origins × ${b.horizon} ${b.granularity}s (${ms} ms)`);
  console.log('origin      MASE model  seasonal naive  naive   held by 80%');
  for (const o of b.origins) {
    console.log(
      `${o.origin.slice(0, 10)}  ${o.mase.model.toFixed(3).padStart(10)}  ${o.mase.seasonalNaive.toFixed(3).padStart(14)}  ` +
        `${o.mase.naive.toFixed(3).padStart(5)}   ${o.within80}/${o.scored}`,
    );
  }
  console.log(
    `mean        ${b.mase.model.toFixed(3).padStart(10)}  ${b.mase.seasonalNaive.toFixed(3).padStart(14)}  ${b.mase.naive.toFixed(3).padStart(5)}`,
  );
  const ratio = b.relativeToSeasonalNaive;
  console.log(
    `model ÷ seasonal naive: ${ratio.toFixed(3)} (target ≤ 0.85: ${ratio <= 0.85 ? 'met' : 'NOT met'}); ` +
      `80% intervals held ${pct(b.coverage.p80)} (target 75–85%: ${b.coverage.p80 >= 0.75 && b.coverage.p80 <= 0.85 ? 'met' : 'NOT met'}), ` +
      `95% held ${pct(b.coverage.p95)}`,
  );
}

started = Date.now();
const daily = await backtestOrderForecast(
  handle.db,
  { granularity: 'day', horizon: HORIZON, origins: ORIGINS, end: END },
  new Date(),
);
report('daily', daily, Date.now() - started);
started = Date.now();
const hourly = await backtestOrderForecast(
  handle.db,
  { granularity: 'hour', horizon: HORIZON * 24, origins: ORIGINS, end: END },
  new Date(),
);
report('hourly', hourly, Date.now() - started);

const ahead = await forecastOrderVolume(
  handle.db,
  { granularity: 'day', horizon: 35, start: END },
  new Date(),
);
console.log(
  '\nthe five weeks after the file (kept back from it), expected orders per week [80% band of the days summed]:',
);
for (let w = 0; w < 5; w++) {
  const week = ahead.slice(w * 7, w * 7 + 7);
  const sum = (k: 'expected' | 'lower80' | 'upper80') => week.reduce((s, p) => s + p[k], 0).toFixed(0);
  console.log(`${week[0]!.start.slice(0, 10)}  ${sum('expected')}  [${sum('lower80')}–${sum('upper80')}]`);
}
await handle.close();
