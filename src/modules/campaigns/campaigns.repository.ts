import { type Insertable, type Selectable, sql } from 'kysely';
import type { Conn } from '../../platform/db/database.js';
import type { StatementWrites } from '../orders/index.js';
import type { CampaignsTable, IntakeTicketsTable } from './campaigns.tables.js';

export type CampaignRow = Selectable<CampaignsTable>;
export type TicketRow = Selectable<IntakeTicketsTable>;

export async function insertCampaign(db: Conn, campaign: Insertable<CampaignsTable>): Promise<CampaignRow> {
  return db.insertInto('campaigns').values(campaign).returningAll().executeTakeFirstOrThrow();
}

export async function findCampaign(db: Conn, id: string): Promise<CampaignRow | undefined> {
  return db.selectFrom('campaigns').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Campaigns newest first (ids are UUIDv7), a page after `beforeId`. */
export async function listCampaigns(
  db: Conn,
  page: { beforeId?: string; limit: number },
): Promise<CampaignRow[]> {
  let q = db.selectFrom('campaigns').selectAll().orderBy('id', 'desc').limit(page.limit);
  if (page.beforeId) q = q.where('id', '<', page.beforeId);
  return q.execute();
}

/** Campaigns running now or starting soon: the ones whose Redis counters must be kept right. */
export async function listLiveCampaigns(db: Conn, now: Date): Promise<CampaignRow[]> {
  return db.selectFrom('campaigns').selectAll().where('ends_at', '>', now).execute();
}

/** What a flash-sale order can be refused for inside its statement (see campaignOrderWrites). */
export type CampaignRefusal = 'limit_reached' | 'sold_out' | 'ticket_handled';

/**
 * A flash-sale order's own writes, made in the order's statement (the orders module's `alongside`),
 * so the hot campaign row is locked only while that one statement runs and commits: the customer's
 * count against the per-customer limit, the campaign's allotment (while the campaign is open) and,
 * for a queued order, its ticket. Each is conditional; the check refuses the order, naming the rule.
 *
 *   campaign_customer as (insert into campaign_purchases values ($id, $customer, $q)
 *     on conflict (campaign_id, customer) do update set quantity = campaign_purchases.quantity + $q
 *     where campaign_purchases.quantity + $q <= $limit returning 1),
 *   campaign_taken as (update campaigns set sold = sold + $q
 *     where id = $id and starts_at <= $now and ends_at > $now and sold + $q <= allotted returning 1),
 *   [campaign_ticket as (update intake_tickets set status = 'placed', order_id = (select id from o)
 *     where id = $ticket and status = 'queued' returning 1)]   -- queued orders only
 *   … ordersync_refuse_unless(exists (select 1 from campaign_customer), 'limit_reached') and …
 */
export function campaignOrderWrites(
  c: Pick<CampaignRow, 'id' | 'per_customer_limit'>,
  customer: string,
  q: number,
  now: Date,
  ticketId: string | undefined,
): StatementWrites {
  const refuseUnless = (cte: string, reason: CampaignRefusal) =>
    sql<boolean>`ordersync_refuse_unless(exists (select 1 from ${sql.table(cte)}), ${reason})`;
  // A direct order has no ticket: its statement neither writes nor checks one.
  const ticket = ticketId
    ? {
        cte: sql`,
          campaign_ticket as (
            update intake_tickets set status = 'placed', order_id = (select id from o), updated_at = now()
            where id = ${ticketId} and status = 'queued'
            returning 1
          )`,
        check: sql` and ${refuseUnless('campaign_ticket', 'ticket_handled')}`,
      }
    : { cte: sql``, check: sql`` };
  return {
    ctes: sql`
      campaign_customer as (
        insert into campaign_purchases (campaign_id, customer, quantity) values (${c.id}, ${customer}, ${q})
        on conflict (campaign_id, customer) do update set quantity = campaign_purchases.quantity + ${q}
        where campaign_purchases.quantity + ${q} <= ${c.per_customer_limit}
        returning 1
      ),
      campaign_taken as (
        update campaigns set sold = sold + ${q}
        where id = ${c.id} and starts_at <= ${now} and ends_at > ${now} and sold + ${q} <= allotted
        returning 1
      )${ticket.cte}`,
    check: sql<boolean>`(${refuseUnless('campaign_customer', 'limit_reached')}
      and ${refuseUnless('campaign_taken', 'sold_out')}${ticket.check})`,
  };
}

/** Per-customer counts: all of a campaign's (to prime a fresh Redis), or the given customers'. */
export async function listCustomerUnits(db: Conn, campaignId: string, customers?: readonly string[]) {
  let q = db
    .selectFrom('campaign_purchases')
    .select(['customer', 'quantity'])
    .where('campaign_id', '=', campaignId);
  if (customers) q = q.where('customer', 'in', customers.length ? customers : ['']);
  return q.execute();
}

/** The campaign's row, locked until the transaction ends: a merged batch's first step. */
export async function lockCampaign(db: Conn, id: string): Promise<CampaignRow> {
  return db.selectFrom('campaigns').selectAll().where('id', '=', id).forUpdate().executeTakeFirstOrThrow();
}

/**
 * Units that queued tickets took in the Redis gate and that no order holds yet: the gate counts them
 * as gone, the campaign's `sold` does not count them until their orders are placed.
 */
export async function sumGatedQueuedUnits(db: Conn, campaignId: string): Promise<number> {
  const row = await db
    .selectFrom('intake_tickets')
    .select(sql<number>`coalesce(sum(coalesce((request->'input'->>'quantity')::int, 1)), 0)::int`.as('units'))
    .where('campaign_id', '=', campaignId)
    .where('status', '=', 'queued')
    .where(sql<boolean>`(request->>'gated')::boolean`)
    .executeTakeFirstOrThrow();
  return row.units;
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

/**
 * Fails tickets queued since before `before`, oldest first, and returns them: each one's row is
 * claimed with SKIP LOCKED, so processes running the same job fail each ticket once.
 */
export async function failStaleTickets(
  db: Conn,
  before: Date,
  problem: unknown,
  limit: number,
): Promise<TicketRow[]> {
  return db
    .updateTable('intake_tickets')
    .set({ status: 'failed', problem: JSON.stringify(problem), updated_at: new Date() })
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('intake_tickets')
        .select('id')
        .where('status', '=', 'queued')
        .where('created_at', '<', before)
        .orderBy('created_at')
        .limit(limit)
        .forUpdate()
        .skipLocked(),
    )
    .where('status', '=', 'queued')
    .returningAll()
    .execute();
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

/** Campaigns whose window overlaps [from, to). */
export async function listCampaignsOverlapping(db: Conn, from: Date, to: Date): Promise<CampaignRow[]> {
  return db
    .selectFrom('campaigns')
    .selectAll()
    .where('starts_at', '<', to)
    .where('ends_at', '>', from)
    .orderBy('starts_at')
    .execute();
}

/** Units sold and allotted over the campaigns that ended before `before`: how well sales sell out. */
export async function sumEndedCampaigns(db: Conn, before: Date): Promise<{ sold: number; allotted: number }> {
  const row = await db
    .selectFrom('campaigns')
    .select((eb) => [
      eb.fn.coalesce(eb.fn.sum<number>('sold'), eb.lit(0)).as('sold'),
      eb.fn.coalesce(eb.fn.sum<number>('allotted'), eb.lit(0)).as('allotted'),
    ])
    .where('ends_at', '<=', before)
    .executeTakeFirstOrThrow();
  return { sold: Number(row.sold), allotted: Number(row.allotted) };
}
