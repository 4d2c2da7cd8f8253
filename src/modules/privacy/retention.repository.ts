import { sql } from 'kysely';
import type { Conn, Trx } from '../../platform/db/database.js';
import { uuids } from './customer-data.repository.js';

/**
 * The deletions of the retention job, each a bounded batch that claims its rows with SKIP LOCKED, so
 * several processes purge side by side without waiting on or double-counting each other.
 */
const deleted = (r: { numAffectedRows?: bigint }) => Number(r.numAffectedRows ?? 0);

export async function purgeAbandonedCarts(db: Conn, before: Date, batch: number): Promise<number> {
  const r = await sql`
    with gone as (
      select id from carts where status = 'open' and updated_at < ${before}
      order by updated_at limit ${batch} for update skip locked),
    items as (delete from cart_items where cart_id in (select id from gone))
    delete from carts where id in (select id from gone)`.execute(db);
  return deleted(r);
}

/** Deliveries that are settled (delivered or dead); pending ones are the relay's work, never purged. */
export async function purgeDeliveryLogs(db: Conn, before: Date, batch: number): Promise<number> {
  const r = await sql`
    delete from deliveries where id in (
      select id from deliveries where status in ('delivered', 'dead') and created_at < ${before}
      order by created_at limit ${batch} for update skip locked)`.execute(db);
  return deleted(r);
}

/** Settled notifications; a resend keeps its own row, no longer pointing at the purged original. */
export async function purgeNotificationLogs(db: Conn, before: Date, batch: number): Promise<number> {
  const r = await sql`
    with gone as (
      select id from notifications where status in ('sent', 'failed', 'skipped') and created_at < ${before}
      order by created_at limit ${batch} for update skip locked),
    unlinked as (update notifications set resend_of = null where resend_of in (select id from gone))
    delete from notifications where id in (select id from gone)`.execute(db);
  return deleted(r);
}

export async function purgeExportArchives(db: Conn, before: Date, batch: number): Promise<number> {
  const r = await sql`
    update privacy_requests set archive = null where id in (
      select id from privacy_requests
      where kind = 'export' and archive is not null and finished_at < ${before}
      limit ${batch} for update skip locked)`.execute(db);
  return deleted(r);
}

/** Erasures whose kept records are due for deletion, locked for the caller's transaction. */
export async function claimDueErasures(trx: Trx, before: Date, batch: number) {
  return trx
    .selectFrom('privacy_requests')
    .select(['id', 'customer_id', 'order_ids'])
    .where('kind', '=', 'erase')
    .where('status', '=', 'done')
    .where('purged_at', 'is', null)
    .where('finished_at', '<', before)
    .orderBy('finished_at')
    .limit(batch)
    .forUpdate()
    .skipLocked()
    .execute();
}

/**
 * Deletes an erased customer's remaining records: the orders (already without personal data) with
 * everything that hangs off them (reservations, the cart and flash-sale ticket it came from too), then
 * the customer rows. The events stay in the feed, scrubbed at erasure. Analytics facts stay: they hold
 * no personal data, and past sales figures should not change when a customer's records reach their term.
 */
export async function deleteErasedRecords(
  trx: Trx,
  customerIds: string[],
  orderIds: string[],
): Promise<void> {
  const o = uuids(orderIds);
  const statements = [
    sql`delete from order_line_cancellations where order_id in ${o}`,
    sql`delete from tracking_events where shipment_id in (select id from shipments where order_id in ${o})`,
    sql`delete from shipment_lines where shipment_id in (select id from shipments where order_id in ${o})`,
    sql`delete from shipments where order_id in ${o}`,
    sql`delete from return_lines where return_id in (select id from returns where order_id in ${o})`,
    sql`delete from returns where order_id in ${o}`,
    sql`delete from payment_refunds where order_id in ${o}`,
    sql`delete from payment_callbacks where order_id in ${o}`,
    sql`delete from payments where order_id in ${o}`,
    sql`delete from notifications where order_id in ${o} or customer_id in ${uuids(customerIds)}`,
    sql`delete from channel_orders where order_id in ${o}`,
    sql`delete from reservations where order_id in ${o}`,
    sql`delete from intake_tickets where order_id in ${o}`,
    sql`delete from cart_items where cart_id in (select id from carts where order_id in ${o})`,
    sql`delete from carts where order_id in ${o}`,
    sql`delete from customer_notes where order_id in ${o}`,
    sql`delete from customer_orders where order_id in ${o}`,
    sql`delete from order_timeline where order_id in ${o}`,
    sql`delete from order_addresses where order_id in ${o}`,
    sql`delete from order_lines where order_id in ${o}`,
    sql`delete from orders where id in ${o}`,
  ];
  for (const statement of statements) await statement.execute(trx);
  const c = uuids(customerIds);
  await sql`delete from customer_timeline where customer_id in ${c}`.execute(trx);
  await sql`delete from customer_orders where customer_id in ${c}`.execute(trx);
  // Merged customers point at the one they were merged into: the pointers go first.
  await sql`update customers set merged_into = null where id in ${c}`.execute(trx);
  await sql`delete from customers where id in ${c}`.execute(trx);
}

export async function markPurged(trx: Trx, requestId: string): Promise<void> {
  await trx
    .updateTable('privacy_requests')
    .set({ purged_at: sql<Date>`now()` })
    .where('id', '=', requestId)
    .execute();
}
