import { type AmazonPollDeps, amazonPollJob } from '../amazon/amazon-polling.js';
import * as m1205_1902 from '../migrations/20261205_1902_channel_stock.js';
import * as m1205_1903 from '../migrations/20261205_1903_amazon_polling.js';
import * as m1212_0100 from '../migrations/20261212_0100_stock_push_adapters.js';
import { stockLevelsToChannels } from './stock-level-consumer.js';
import { type StockPushDeps, startStockPusher, stockPushJob } from './stock-push-runtime.js';

/** What stock push and Amazon polling add to the channels module (its index.ts spreads these in). */
export const stockPushMigrations = {
  '20261205_1902_channel_stock': m1205_1902,
  '20261205_1903_amazon_polling': m1205_1903,
  '20261212_0100_stock_push_adapters': m1212_0100,
};
export const stockPushConsumers = [stockLevelsToChannels];
export const stockPushWorker = (deps: StockPushDeps) => startStockPusher(deps);
export const stockPushJobs = (deps: StockPushDeps & AmazonPollDeps) => [
  stockPushJob(deps),
  amazonPollJob(deps),
];
export type { AmazonPollDeps, StockPushDeps };
