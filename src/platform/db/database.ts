import type { Kysely, Transaction } from 'kysely';
import type { AftersalesTables } from '../../modules/aftersales/aftersales.tables.js';
import type { AnalyticsTables } from '../../modules/analytics/analytics.tables.js';
import type { CampaignsTables } from '../../modules/campaigns/campaigns.tables.js';
import type { CartTables } from '../../modules/cart/cart.tables.js';
import type { CatalogTables } from '../../modules/catalog/catalog.tables.js';
import type { AmazonTables } from '../../modules/channels/amazon/amazon.tables.js';
import type { ChannelsTables } from '../../modules/channels/channels.tables.js';
import type { StockPushTables } from '../../modules/channels/stock-push/stock-push.tables.js';
import type { ComplianceTables } from '../../modules/compliance/market-rules.tables.js';
import type { CustomersTables } from '../../modules/customers/customers.tables.js';
import type { DeliveryTables } from '../../modules/delivery/delivery.tables.js';
import type { FulfillmentTables } from '../../modules/fulfillment/fulfillment.tables.js';
import type { InventoryTables } from '../../modules/inventory/inventory.tables.js';
import type { NotificationsTables } from '../../modules/notifications/notifications.tables.js';
import type { OrderEditsTables } from '../../modules/order-edits/order-edits.tables.js';
import type { OrdersTables } from '../../modules/orders/orders.tables.js';
import type { PaymentsTables } from '../../modules/payments/payments.tables.js';
import type { PricingTables } from '../../modules/pricing/pricing.tables.js';
import type { PrivacyTables } from '../../modules/privacy/privacy.tables.js';
import type { SyncTables } from '../../modules/sync/sync.tables.js';
import type { AuditTables } from '../audit/audit.tables.js';
import type { AuthTables } from '../auth/auth.tables.js';

/** All tables. Each module declares its own in `<module>.tables.ts`; only its repository queries them. */
export interface Database
  extends AuthTables,
    AuditTables,
    CatalogTables,
    InventoryTables,
    OrdersTables,
    OrderEditsTables,
    CartTables,
    PaymentsTables,
    SyncTables,
    CampaignsTables,
    FulfillmentTables,
    AftersalesTables,
    CustomersTables,
    ChannelsTables,
    StockPushTables,
    AmazonTables,
    AnalyticsTables,
    ComplianceTables,
    NotificationsTables,
    PricingTables,
    PrivacyTables,
    DeliveryTables {}

export type Db = Kysely<Database>;
/** A connection that is inside a transaction. Commands pass it down; repositories take it first. */
export type Trx = Transaction<Database>;
/** Either: for reads and repository functions that do not care. */
export type Conn = Kysely<Database>;
