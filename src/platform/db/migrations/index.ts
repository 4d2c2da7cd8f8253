import type { Migration } from 'kysely';
import * as platform from './20261122_0100_platform.js';
import * as catalog from './20261122_0200_catalog.js';
import * as inventory from './20261122_0300_inventory.js';
import * as orders from './20261122_0400_orders.js';
import * as cart from './20261122_0410_cart.js';
import * as payments from './20261122_0420_payments.js';
import * as sync from './20261122_0500_sync.js';
import * as campaigns from './20261122_0900_campaigns.js';
import * as orderLifecycle from './20261123_0100_order_lifecycle.js';
import * as paymentProviders from './20261123_0200_payment_providers.js';
import * as fulfillment from './20261123_0300_fulfillment.js';
import * as aftersales from './20261123_0400_aftersales.js';
import * as syncRelay from './20261123_0500_sync_relay.js';
import * as eventFeed from './20261124_0100_event_feed.js';
import * as statementAssert from './20261124_0200_statement_assert.js';
import * as statementRefuse from './20261124_0300_statement_refuse.js';

/** Every migration, by name; Kysely runs them in name order. Add new ones here. */
export const migrations: Record<string, Migration> = {
  '20261122_0100_platform': platform,
  '20261122_0200_catalog': catalog,
  '20261122_0300_inventory': inventory,
  '20261122_0400_orders': orders,
  '20261122_0410_cart': cart,
  '20261122_0420_payments': payments,
  '20261122_0500_sync': sync,
  '20261122_0900_campaigns': campaigns,
  '20261123_0100_order_lifecycle': orderLifecycle,
  '20261123_0200_payment_providers': paymentProviders,
  '20261123_0300_fulfillment': fulfillment,
  '20261123_0400_aftersales': aftersales,
  '20261123_0500_sync_relay': syncRelay,
  '20261124_0100_event_feed': eventFeed,
  '20261124_0200_statement_assert': statementAssert,
  '20261124_0300_statement_refuse': statementRefuse,
};
