import type { Conn, Trx } from '../../platform/db/database.js';
import type { OrderRow } from './orders.repository.js';

/**
 * Where modules that build on orders plug in, wired once in app.ts. Orders does not import them:
 * payments, fulfilment and after-sales depend on orders, never the other way round.
 */
export interface OrderHooks {
  /** Runs inside the cancelling transaction, after stock is released (e.g. refund what was paid). */
  onCancelled: Array<(trx: Trx, order: OrderRow, actor: string) => Promise<void>>;
  /** Runs inside the delivering transaction, after the order became delivered (e.g. collect COD cash). */
  onDelivered: Array<(trx: Trx, order: OrderRow, actor: string) => Promise<void>>;
  /** Adds sections to GET /v1/orders/{id} (payments, shipments, returns). */
  detailSections: Array<(db: Conn, orderId: string) => Promise<Record<string, unknown>>>;
}

export const NO_ORDER_HOOKS: OrderHooks = { onCancelled: [], onDelivered: [], detailSections: [] };
