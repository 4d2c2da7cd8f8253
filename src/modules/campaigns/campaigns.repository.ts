import { type Insertable, type Selectable, sql } from 'kysely';
import type { Conn, Trx } from '../../platform/db/database.js';
import type { CampaignsTable, IntakeTicketsTable } from './campaigns.tables.js';

export type CampaignRow = Selectable<CampaignsTable>;
export type TicketRow = Selectable<IntakeTicketsTable>;

export async function insertCampaign(db: Conn, campaign: Insertable<CampaignsTable>): Promise<CampaignRow> {
  return db.insertInto('campaigns').values(campaign).returningAll().executeTakeFirstOrThrow();
}

export async function findCampaign(db: Conn, id: string): Promise<CampaignRow | undefined> {
  return db.selectFrom('campaigns').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listCampaigns(db: Conn): Promise<CampaignRow[]> {
  return db.selectFrom('campaigns').selectAll().orderBy('starts_at', 'desc').limit(200).execute();
}

/** Campaigns running now or starting soon: the ones whose Redis counters must be kept right. */
export async function listLiveCampaigns(db: Conn, now: Date): Promise<CampaignRow[]> {
  return db.selectFrom('campaigns').selectAll().where('ends_at', '>', now).execute();
}

/**
 * The database's own allotment check: takes `q` units if the campaign is open and has them.
 *
 *   update campaigns set sold = sold + $q
 *   where id = $id and starts_at <= now() and ends_at > now() and sold + $q <= allotted
 *   returning *
 *
 * A conditional statement, so two buyers can never both take the last unit; it runs last in the
 * buyer's transaction, so the campaign row stays locked only for the commit.
 */
export async function takeCampaignUnits(
  trx: Trx,
  id: string,
  q: number,
  now: Date,
): Promise<CampaignRow | undefined> {
  return trx
    .updateTable('campaigns')
    .set({ sold: sql`sold + ${q}` })
    .where('id', '=', id)
    .where('starts_at', '<=', now)
    .where('ends_at', '>', now)
    .where(sql<boolean>`sold + ${q} <= allotted`)
    .returningAll()
    .executeTakeFirst();
}

/**
 * Counts a customer's units against the per-customer limit, refusing past it.
 *
 *   insert into campaign_purchases values ($id, $customer, $q)
 *   on conflict (campaign_id, customer) do update set quantity = campaign_purchases.quantity + $q
 *   where campaign_purchases.quantity + $q <= $limit
 *   returning quantity
 */
export async function countCustomerUnits(
  trx: Trx,
  campaignId: string,
  customer: string,
  q: number,
  limit: number,
): Promise<boolean> {
  const row = await trx
    .insertInto('campaign_purchases')
    .values({ campaign_id: campaignId, customer, quantity: q })
    .onConflict((oc) =>
      oc
        .columns(['campaign_id', 'customer'])
        .doUpdateSet({ quantity: sql`campaign_purchases.quantity + ${q}` })
        .where(sql<boolean>`campaign_purchases.quantity + ${q} <= ${limit}`),
    )
    .returning('quantity')
    .executeTakeFirst();
  return row !== undefined;
}

/** Per-customer counts, to prime a fresh Redis. */
export async function listCustomerUnits(db: Conn, campaignId: string) {
  return db
    .selectFrom('campaign_purchases')
    .select(['customer', 'quantity'])
    .where('campaign_id', '=', campaignId)
    .execute();
}

export async function insertTicket(db: Conn, ticket: Insertable<IntakeTicketsTable>): Promise<TicketRow> {
  return db.insertInto('intake_tickets').values(ticket).returningAll().executeTakeFirstOrThrow();
}

export async function findTicket(db: Conn, id: string): Promise<TicketRow | undefined> {
  return db.selectFrom('intake_tickets').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Settles a queued ticket; false if it was no longer queued (someone else settled it first). */
export async function finishTicket(
  db: Conn,
  id: string,
  outcome: { status: 'placed'; orderId: string } | { status: 'failed'; problem: unknown },
): Promise<boolean> {
  const r = await db
    .updateTable('intake_tickets')
    .set({
      status: outcome.status,
      order_id: outcome.status === 'placed' ? outcome.orderId : null,
      problem: outcome.status === 'failed' ? JSON.stringify(outcome.problem) : null,
      updated_at: new Date(),
    })
    .where('id', '=', id)
    .where('status', '=', 'queued')
    .executeTakeFirst();
  return r.numUpdatedRows > 0n;
}

/** Tickets still queued, for a restarted process to pick up (oldest first). */
export async function listQueuedTickets(db: Conn, limit: number): Promise<TicketRow[]> {
  return db
    .selectFrom('intake_tickets')
    .selectAll()
    .where('status', '=', 'queued')
    .orderBy('created_at')
    .limit(limit)
    .execute();
}

/** Marks a queued ticket placed inside the order's transaction: a ticket yields one order at most. */
export async function markTicketPlaced(trx: Trx, id: string, orderId: string): Promise<boolean> {
  const r = await trx
    .updateTable('intake_tickets')
    .set({ status: 'placed', order_id: orderId, updated_at: new Date() })
    .where('id', '=', id)
    .where('status', '=', 'queued')
    .executeTakeFirst();
  return r.numUpdatedRows > 0n;
}
