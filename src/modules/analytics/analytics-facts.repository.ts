import { sql } from 'kysely';
import type { Trx } from '../../platform/db/database.js';
import { anyUuid, insertRows } from '../../platform/db/row-sets.js';
import type { HistoricalOrderFacts } from '../orders/index.js';

/** The hour an order was placed in: the key of every rollup row its facts feed. */
const placedHour = (placedAt: Date) => {
  const h = new Date(placedAt);
  h.setUTCMinutes(0, 0, 0);
  return h;
};

export interface PlacedMark {
  orderId: string;
  placedAt: Date;
}

/**
 * Marks hours for the rollup refresh: append-only rows, so consumer transactions never wait on one
 * another for them (several batches may mark the same hour). A row per hour naming the orders newly
 * placed in it (`placed`: the refresh adds their share) and those whose facts changed (`changed`: the
 * refresh applies their difference from what it rolled up), and a row naming none per hour to
 * recompute (`whole`: imported history). The refresh claims only marks committed before it looks,
 * so none is lost.
 */
export async function markHoursDirty(
  trx: Trx,
  whole: readonly Date[],
  placed: readonly PlacedMark[] = [],
  changed: readonly PlacedMark[] = [],
): Promise<void> {
  const marks = new Map<number, { placed?: string[]; changed?: string[] }>();
  const name = (kind: 'placed' | 'changed', p: PlacedMark) => {
    const hour = placedHour(p.placedAt).getTime();
    const mark = marks.get(hour) ?? {};
    mark[kind] = [...(mark[kind] ?? []), p.orderId];
    marks.set(hour, mark);
  };
  for (const p of placed) name('placed', p);
  for (const c of new Map(changed.map((c) => [c.orderId, c])).values()) name('changed', c);
  const rows = [
    ...[...marks].map(([hour, ids]) => ({ hour: new Date(hour).toISOString(), ...ids })),
    // no `placed` or `changed` key: null, where a JSON null would be a scalar jsonb_array_elements_text refuses
    ...[...new Set(whole.map((t) => placedHour(t).getTime()))].map((hour) => ({
      hour: new Date(hour).toISOString(),
    })),
  ];
  if (rows.length === 0) return;
  // JSON, not an array parameter: the same on pg and PGlite
  await sql`
    insert into analytics_dirty_marks (hour, placed, changed)
    select (m->>'hour')::timestamptz,
           (select array_agg(id::uuid) from jsonb_array_elements_text(m->'placed') id),
           (select array_agg(id::uuid) from jsonb_array_elements_text(m->'changed') id)
    from jsonb_array_elements(${JSON.stringify(rows)}::jsonb) m`.execute(trx);
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
  const inserted = await insertRows(
    trx,
    'analytics_orders',
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
  if (lines.length > 0) await insertRows(trx, 'analytics_order_lines', lines).execute();
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

const FACT_COLUMNS = {
  paid_at: 'timestamptz',
  pay_provider: 'text',
  shipped_at: 'timestamptz',
  warehouse: 'text',
  carrier: 'text',
  delivered_at: 'timestamptz',
  completed_at: 'timestamptz',
  cancelled_at: 'timestamptz',
  cancel_reason: 'text',
} as const satisfies Record<keyof OrderFactChange, string>;

/**
 * Sets what is not set yet (the first payment, the first shipment count; a replayed or later event
 * never moves a time), for many orders in one statement; when each recorded order was placed (an order
 * never recorded is left out). Changes of one order are merged first, the earlier one's value kept
 * (an UPDATE … FROM updates a row once):
 *
 *   update analytics_orders a set paid_at = coalesce(a.paid_at, c.paid_at), …
 *   from json_to_recordset($changes) as c(order_id uuid, paid_at timestamptz, …)
 *   where a.order_id = c.order_id returning a.order_id, a.placed_at
 */
export async function updateOrdersFacts(
  trx: Trx,
  changes: ReadonlyArray<{ orderId: string; change: OrderFactChange }>,
): Promise<Map<string, Date>> {
  if (changes.length === 0) return new Map();
  const merged = new Map<string, Record<string, unknown>>();
  for (const { orderId, change } of changes) {
    const row = merged.get(orderId) ?? { order_id: orderId };
    for (const [column, value] of Object.entries(change))
      if (value !== undefined && row[column] === undefined) row[column] = value;
    merged.set(orderId, row);
  }
  const columns = Object.entries(FACT_COLUMNS);
  const { rows } = await sql<{ order_id: string; placed_at: Date }>`
    update analytics_orders a
    set ${sql.join(columns.map(([c]) => sql`${sql.ref(c)} = coalesce(${sql.ref(`a.${c}`)}, ${sql.ref(`c.${c}`)})`))}
    from json_to_recordset(${JSON.stringify([...merged.values()])}::json) as c(order_id uuid, ${sql.join(
      columns.map(([c, type]) => sql`${sql.ref(c)} ${sql.raw(type)}`),
    )})
    where a.order_id = c.order_id
    returning a.order_id, a.placed_at`.execute(trx);
  return new Map(rows.map((r) => [r.order_id, new Date(r.placed_at)]));
}

export type PaymentOutcome = 'created' | 'succeeded' | 'failed';

/**
 * Payment attempts in one statement: created sets the provider, succeeded and failed set their flag,
 * each only ever from false to true. Several outcomes of one payment are merged first (a batch holds
 * one event per order, so only a call with more does that; the merged row keeps a recorded provider).
 *
 *   insert into analytics_payments (payment_id, order_id, provider, succeeded, failed)
 *   select … from json_to_recordset($attempts) …
 *   on conflict (payment_id) do update set
 *     provider = case when excluded.succeeded or excluded.failed then analytics_payments.provider
 *                else excluded.provider end,   -- a created (neither flag) sets it
 *     succeeded = analytics_payments.succeeded or excluded.succeeded, failed = … or excluded.failed
 */
export async function recordPaymentAttempts(
  trx: Trx,
  attempts: ReadonlyArray<{ id: string; orderId: string; provider: string; outcome: PaymentOutcome }>,
): Promise<void> {
  if (attempts.length === 0) return;
  const merged = new Map<
    string,
    { payment_id: string; order_id: string; provider: string; succeeded: boolean; failed: boolean }
  >();
  for (const a of attempts) {
    const row = merged.get(a.id) ?? {
      payment_id: a.id,
      order_id: a.orderId,
      provider: a.provider,
      succeeded: false,
      failed: false,
    };
    if (a.outcome !== 'created') row[a.outcome] = true;
    merged.set(a.id, row);
  }
  await sql`
    insert into analytics_payments (payment_id, order_id, provider, succeeded, failed)
    select payment_id, order_id, provider, succeeded, failed
    from json_to_recordset(${JSON.stringify([...merged.values()])}::json) as p(
      payment_id uuid, order_id uuid, provider text, succeeded boolean, failed boolean)
    on conflict (payment_id) do update set
      provider = case when excluded.succeeded or excluded.failed then analytics_payments.provider
                 else excluded.provider end,
      succeeded = analytics_payments.succeeded or excluded.succeeded,
      failed = analytics_payments.failed or excluded.failed`.execute(trx);
}

export async function findPlacedAt(trx: Trx, orderId: string): Promise<Date | undefined> {
  return (await findPlacedAts(trx, [orderId])).get(orderId);
}

/** When each of these orders was placed, for those recorded. */
export async function findPlacedAts(trx: Trx, orderIds: readonly string[]): Promise<Map<string, Date>> {
  if (orderIds.length === 0) return new Map();
  const rows = await trx
    .selectFrom('analytics_orders')
    .select(['order_id', 'placed_at'])
    .where('order_id', '=', anyUuid([...new Set(orderIds)]))
    .execute();
  return new Map(rows.map((r) => [r.order_id, new Date(r.placed_at)]));
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
