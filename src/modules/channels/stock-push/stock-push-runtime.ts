import type { Config } from '../../../platform/config.js';
import type { Db } from '../../../platform/db/database.js';
import type { ScheduledJob } from '../../../platform/scheduler.js';
import { ChannelClients } from '../channel-clients.js';
import { STOCK_ADAPTERS } from './stock-adapters.js';
import { StockPusher, type StockTargetFactory } from './stock-pusher.js';
import type { StockChannel } from './stock-targets.js';

export interface StockPushDeps {
  db: Db;
  config: Pick<Config, 'channelSecretsKey' | 'sync'>;
}

/** Each channel's stock API client, by its kind's adapter (stock-adapters.ts). */
export function stockTargets(deps: StockPushDeps): StockTargetFactory {
  const context = { db: deps.db, clients: ChannelClients.of(deps.config) };
  return (channel: StockChannel) =>
    STOCK_ADAPTERS[channel.kind as keyof typeof STOCK_ADAPTERS]?.(channel, context);
}

/** `ordersync worker`: pushes continuously (a 100 ms poll of the due-levels index). */
export const startStockPusher = (deps: StockPushDeps) => new StockPusher(deps.db, stockTargets(deps)).start();

/** `serve` (the embedded default) has no module workers: a pass on each scheduler tick instead. */
export function stockPushJob(deps: StockPushDeps): ScheduledJob {
  const pusher = new StockPusher(deps.db, stockTargets(deps));
  return { name: 'channels-stock-push', run: () => pusher.runOnce() };
}
