import type { Module } from '../../platform/module.js';
import { amazonFeedsJob } from './amazon/amazon-feeds.js';
import { ChannelClients } from './channel-clients.js';
import { applyDueDeliveries } from './channel-deliveries.js';
import { channelWebhookRoutes } from './channel-webhooks.routes.js';
import { findChannelById } from './channels.repository.js';
import { type ChannelDeps, channelRoutes } from './channels.routes.js';
import { checkDueOrderCounts } from './count-check.js';
import { importRunnerFor } from './imports/import-runner.js';
import { fileImportRoutes } from './imports/imports.routes.js';
import type { ImportDeps } from './imports/receive-upload.js';
import * as m1000 from './migrations/20261205_1000_channels.js';
import * as m1010 from './migrations/20261205_1010_delivery_retries.js';
import * as m1020 from './migrations/20261205_1020_reconciliation.js';
import * as m1100 from './migrations/20261205_1100_channel_imports.js';
import * as m0600 from './migrations/20261206_0600_order_count_checks.js';
import * as m1212_0200 from './migrations/20261212_0200_amazon_feeds.js';
import { tellChannels } from './outbound/tell-channels.js';
import { type ReconcileDeps, reconcileDueChannels } from './reconciliation.js';
import {
  type AmazonPollDeps,
  type StockPushDeps,
  stockPushConsumers,
  stockPushJobs,
  stockPushMigrations,
  stockPushWorker,
} from './stock-push/stock-push-parts.js';

// The only file other modules (and channels' own adapters in sub-folders) import from channels.
export {
  channelCredentials,
  channelWebhookSecret,
  DEFAULT_STOCK_POLICY,
  getChannelRow,
  REQUIRED_CREDENTIALS,
} from './channel-accounts.js';
export { applyDueDeliveries } from './channel-deliveries.js';
export { type ChannelFetch, guardedChannelFetch } from './channel-fetch.js';
export {
  CHANNEL_ORDER_STATUSES,
  ChannelAddress,
  ChannelOrder,
  ChannelOrderLine,
  type ChannelOrderStatus,
  isNewer,
} from './channel-order.js';
export { findChannelOrderByOrderId } from './channel-orders.repository.js';
export { ChannelSecrets } from './channel-secrets.js';
export { type ChannelRow, findChannelById, listEnabledChannels } from './channels.repository.js';
export type { ChannelDeps } from './channels.routes.js';
export { CHANNEL_KINDS, type ChannelKind, type StockPolicy } from './channels.tables.js';
// File imports' reading and grouping, shared with `ordersync load-history`.
export { readLine, UCI_ONLINE_RETAIL } from './imports/column-mapping.js';
export { type FileOrder, OrderGrouper, type Tally } from './imports/order-grouper.js';
export { readRecords } from './imports/record-reader.js';
export { toHistoricalOrder } from './imports/run-import.js';
export { toMinorUnits } from './minor-units.js';
export {
  type IntakeDeps,
  type IntakeOutcome,
  type IntakeResult,
  receiveChannelOrder,
  receiveChannelOrderIn,
  receiveChannelRefund,
} from './receive-channel-order.js';
export { reconcileChannel, reconcileDueChannels } from './reconciliation.js';
export { mapChannelLines } from './sku-mapping.js';
export { hmacSha256Base64, signatureMatches } from './webhook-signature.js';

const reconcileDeps = (deps: ChannelDeps): ReconcileDeps => {
  const clients = ChannelClients.of(deps.config);
  return {
    ...deps,
    secrets: clients.secrets,
    fetch: clients.fetch,
    intervalSeconds: deps.config.channelReconcileIntervalSeconds,
  };
};

export const channelsModule = {
  name: 'channels',
  migrations: {
    '20261205_1000_channels': m1000,
    '20261205_1010_delivery_retries': m1010,
    '20261205_1020_reconciliation': m1020,
    '20261205_1100_channel_imports': m1100,
    '20261206_0600_order_count_checks': m0600,
    '20261212_0200_amazon_feeds': m1212_0200,
    ...stockPushMigrations,
  },
  routes: [channelRoutes, channelWebhookRoutes, fileImportRoutes(findChannelById)],
  consumes: (deps) => [...stockPushConsumers, tellChannels(ChannelClients.of(deps.config))],
  jobs: (deps) => [
    { name: 'apply channel webhooks', run: (now) => applyDueDeliveries(deps, now) },
    { name: 'reconcile channels', run: (now) => reconcileDueChannels(reconcileDeps(deps), now) },
    { name: 'check channel order counts', run: (now) => checkDueOrderCounts(reconcileDeps(deps), now) },
    ...stockPushJobs(deps),
    amazonFeedsJob(deps),
    { name: 'resume file imports', run: () => importRunnerFor(deps).resumeStalled() },
  ],
  worker: stockPushWorker,
} satisfies Module<ChannelDeps & StockPushDeps & AmazonPollDeps & ImportDeps>;
