import { sql } from 'kysely';
import type { Trx } from '../../platform/db/database.js';
import type { HistoricalOrderFacts } from '../orders/index.js';

/** The hour an order was placed in: the key of every rollup row its facts feed. */
const placedHour = (placedAt: Date) => {
  const h = new Date(placedAt);
  h.setUTCMinutes(0, 0, 0);
  return h;
};

/**
 * Marks the hour for the rollup refresh: an append-only row, so consumer transactions never wait on
 * one another for it (several events of one batch may mark the same hour; the refresh takes each hour
 * once). The refresh claims only marks committed before it looks, so none is lost.
 */
export async function markHoursDirty(trx: Trx, placedAt: readonly Date[]): Promise<void> {
  const hours = [...new Set(placedAt.map((t) => placedHour(t).getTime()))];
  if (hours.length === 0) return;
  await trx
    .insertInto('analytics_dirty_marks')
    .values(hours.map((h) => ({ hour: new Date(h) })))
    .execute();
}

export interface PlacedOrderFact {
  orderId: string;
  placedAt: Date;
  currency: string;
  channel: string;
  region: string;
  paymentMethod: string;
  grandTotal: number;
  lines: { sku: string; category: string; quantity: number; amount: number }[];
}

/** Records placed orders, two statements for any number; the ids of those not recorded already. */
export async function insertPlacedOrders(trx: Trx, facts: readonly PlacedOrderFact[]): Promise<Set<string>> {
  if (facts.length === 0) return new Set();
  const inserted = await trx
    .insertInto('analytics_orders')
    .values(
      facts.map((f) => ({
        order_id: f.orderId,
        placed_at: f.placedAt,
        currency: f.currency,
        channel: f.channel,
        region: f.region,
        payment_method: f.paymentMethod,
        grand_total: f.grandTotal,
        units: f.lines.reduce((n, l) => n + l.quantity, 0),
      })),
    )
    .onConflict((oc) => oc.column('order_id').doNothing())
    .returning('order_id')
    .execute();
  const fresh = new Set(inserted.map((r) => r.order_id));
  // one row per SKU: an order may list a SKU twice (two addresses)
  const lines = facts
    .filter((f) => fresh.has(f.orderId))
    .flatMap((f) =>
      perSku(f.lines, (a, b) => ({
        ...a,
        quantity: a.quantity + b.quantity,
        amount: a.amount + b.amount,
      })).map((l) => ({ order_id: f.orderId, ...l })),
    );
  if (lines.length > 0) await trx.insertInto('analytics_order_lines').values(lines).execute();
  return fresh;
}

/** Lines merged to one per SKU. */
function perSku<L extends { sku: string }>(lines: readonly L[], merge: (a: L, b: L) => L): L[] {
  const bySku = new Map<string, L>();
  for (const l of lines) {
    const seen = bySku.get(l.sku);
    bySku.set(l.sku, seen ? merge(seen, l) : l);
  }
  return [...bySku.values()];
}

/** What later events add to an order's facts. */
export type OrderFactChange = {
  paid_at?: Date;
  pay_provider?: string;
  shipped_at?: Date;
  warehouse?: string;
  carrier?: string | null;
  delivered_at?: Date;
  completed_at?: Date;
  cancelled_at?: Date;
  cancel_reason?: string;
};

/**
 * Sets what is not set yet (the first payment, the first shipment count; a replayed or later event
 * never moves a time) and says when the order was placed, or undefined for an order never recorded.
 */
export async function updateOrderFacts(
  trx: Trx,
  orderId: string,
  change: OrderFactChange,
): Promise<Date | undefined> {
  const set = Object.fromEntries(
    Object.entries(change).map(([column, value]) => [column, sql`coalesce(${sql.ref(column)}, ${value})`]),
  );
  const row = await trx
    .updateTable('analytics_orders')
    .set(set)
    .where('order_id', '=', orderId)
    .returning('placed_at')
    .executeTakeFirst();
  return row ? new Date(row.placed_at) : undefined;
}

export async function recordPaymentAttempt(
  trx: Trx,
  payment: { id: string; orderId: string; provider: string },
  outcome: 'created' | 'succeeded' | 'failed',
): Promise<void> {
  await trx
    .insertInto('analytics_payments')
    .values({
      payment_id: payment.id,
      order_id: payment.orderId,
      provider: payment.provider,
      succeeded: outcome === 'succeeded',
      failed: outcome === 'failed',
    })
    .onConflict((oc) =>
      oc
        .column('payment_id')
        .doUpdateSet(
          outcome === 'created'
            ? { provider: payment.provider }
            : outcome === 'succeeded'
              ? { succeeded: true }
              : { failed: true },
        ),
    )
    .execute();
}

export async function findPlacedAt(trx: Trx, orderId: string): Promise<Date | undefined> {
  const row = await trx
    .selectFrom('analytics_orders')
    .select('placed_at')
    .where('order_id', '=', orderId)
    .executeTakeFirst();
  return row ? new Date(row.placed_at) : undefined;
}

export interface ReturnFact {
  returnId: string;
  orderId: string;
  reason: string;
  lines: { sku: string; category: string; quantity: number }[];
}

/** Records a requested return; false when it was recorded already. */
export async function insertReturn(trx: Trx, r: ReturnFact): Promise<boolean> {
  const inserted = await trx
    .insertInto('analytics_returns')
    .values({ return_id: r.returnId, order_id: r.orderId, reason: r.reason })
    .onConflict((oc) => oc.column('return_id').doNothing())
    .returning('return_id')
    .executeTakeFirst();
  if (!inserted) return false;
  const lines = perSku(r.lines, (a, b) => ({ ...a, quantity: a.quantity + b.quantity }));
  if (lines.length > 0)
    await trx
      .insertInto('analytics_return_lines')
      .values(lines.map((l) => ({ return_id: r.returnId, ...l })))
      .execute();
  return true;
}

/** A return's outcome: rejected (not counted) or refunded. */
export async function updateReturn(
  trx: Trx,
  returnId: string,
  change: { rejected: true } | { refunded: true },
): Promise<void> {
  await trx.updateTable('analytics_returns').set(change).where('return_id', '=', returnId).execute();
}

export interface HistoricalFacts {
  orders: HistoricalOrderFacts['orders'];
  lines: { order_id: string; sku: string; category: string; quantity: number; amount: number }[];
}

/**
 * Records a batch of imported orders as paid and completed when placed (history has no later
 * events, no address and no payment method), in two statements; returns when those that were new
 * were placed.
 */
export async function insertHistoricalFacts(trx: Trx, f: HistoricalFacts): Promise<Date[]> {
  if (f.orders.length === 0) return [];
  const { rows } = await sql<{ order_id: string; placed_at: Date }>`
    insert into analytics_orders (order_id, placed_at, currency, channel, region, payment_method,
      grand_total, units, paid_at, completed_at, historical)
    select id, placed_at, currency, channel, 'unknown', 'unknown', grand_total, units, placed_at, placed_at, true
    from json_to_recordset(${JSON.stringify(f.orders)}::json) as i(
      id uuid, placed_at timestamptz, channel text, currency text, grand_total bigint, units int)
    on conflict (order_id) do nothing
    returning order_id, placed_at`.execute(trx);
  const fresh = new Set(rows.map((r) => r.order_id));
  const lines = f.lines.filter((l) => fresh.has(l.order_id));
  if (lines.length > 0)
    await sql`
      insert into analytics_order_lines (order_id, sku, category, quantity, amount)
      select order_id, sku, category, quantity, amount
      from json_to_recordset(${JSON.stringify(lines)}::json) as l(
        order_id uuid, sku text, category text, quantity int, amount bigint)`.execute(trx);
  return rows.map((r) => new Date(r.placed_at));
}
