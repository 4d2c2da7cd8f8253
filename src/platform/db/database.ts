import type { Kysely, Transaction } from 'kysely';
import type { AftersalesTables } from '../../modules/aftersales/aftersales.tables.js';
import type { CampaignsTables } from '../../modules/campaigns/campaigns.tables.js';
import type { CartTables } from '../../modules/cart/cart.tables.js';
import type { CatalogTables } from '../../modules/catalog/catalog.tables.js';
import type { FulfillmentTables } from '../../modules/fulfillment/fulfillment.tables.js';
import type { InventoryTables } from '../../modules/inventory/inventory.tables.js';
import type { OrdersTables } from '../../modules/orders/orders.tables.js';
import type { PaymentsTables } from '../../modules/payments/payments.tables.js';
import type { SyncTables } from '../../modules/sync/sync.tables.js';
import type { AuthTables } from '../auth/auth.tables.js';

/** All tables. Each module declares its own in `<module>.tables.ts`; only its repository queries them. */
export interface Database
  extends AuthTables,
    CatalogTables,
    InventoryTables,
    OrdersTables,
    CartTables,
    PaymentsTables,
    SyncTables,
    CampaignsTables,
    FulfillmentTables,
    AftersalesTables {}

export type Db = Kysely<Database>;
/** A connection that is inside a transaction. Commands pass it down; repositories take it first. */
export type Trx = Transaction<Database>;
/** Either: for reads and repository functions that do not care. */
export type Conn = Kysely<Database>;
