import type { Selectable } from 'kysely';
import { sql } from 'kysely';
import type { Conn, Trx } from '../../platform/db/database.js';
import type { ChannelOrder } from './channel-order.js';
import type { ChannelOrdersTable } from './channels.tables.js';

export type ChannelOrderRow = Omit<Selectable<ChannelOrdersTable>, 'snapshot' | 'channel_updated_at'> & {
  snapshot: ChannelOrder;
  channel_updated_at: Date;
  /** Whether this statement created the row (the channel order was not known before). */
  created?: boolean;
};

/**
 * The channel order's row, locked for this transaction; created (held, with this first snapshot)
 * when the channel order is new. Two deliveries of a new order at once: the second insert waits on
 * the first's unique key, finds the row there and locks it, so only one of them places the order.
 *
 *   insert into channel_orders … on conflict (channel_id, external_id) do nothing returning *;
 *   -- when nothing came back:
 *   select * from channel_orders where channel_id = $1 and external_id = $2 for update
 */
export async function claimChannelOrder(
  trx: Trx,
  row: { id: string; channel_id: string; external_id: string; snapshot: ChannelOrder },
): Promise<ChannelOrderRow> {
  const inserted = await trx
    .insertInto('channel_orders')
    .values({
      id: row.id,
      channel_id: row.channel_id,
      external_id: row.external_id,
      state: 'held',
      hold_reason: 'not placed yet',
      channel_updated_at: row.snapshot.updatedAt,
      channel_version: row.snapshot.version ?? 0,
      snapshot: JSON.stringify(row.snapshot),
    })
    .onConflict((oc) => oc.columns(['channel_id', 'external_id']).doNothing())
    .returningAll()
    .executeTakeFirst();
  if (inserted) return { ...(inserted as unknown as ChannelOrderRow), created: true };
  const existing = await trx
    .selectFrom('channel_orders')
    .selectAll()
    .where('channel_id', '=', row.channel_id)
    .where('external_id', '=', row.external_id)
    .forUpdate()
    .executeTakeFirstOrThrow();
  return { ...(existing as unknown as ChannelOrderRow), created: false };
}

/** A channel order by our id or the channel's, locked for this transaction. */
export async function lockChannelOrder(
  trx: Trx,
  channelId: string,
  key: { id: string } | { externalId: string },
): Promise<ChannelOrderRow | undefined> {
  const row = await trx
    .selectFrom('channel_orders')
    .selectAll()
    .where('channel_id', '=', channelId)
    .where('id' in key ? 'id' : 'external_id', '=', 'id' in key ? key.id : key.externalId)
    .forUpdate()
    .executeTakeFirst();
  return row as unknown as ChannelOrderRow | undefined;
}

export async function saveChannelOrder(
  trx: Trx,
  id: string,
  changes: {
    snapshot?: ChannelOrder;
    state?: ChannelOrderRow['state'];
    hold_reason?: string | null;
    order_id?: string | null;
    refunds?: Record<string, number>;
  },
): Promise<void> {
  const { snapshot, refunds, ...rest } = changes;
  await trx
    .updateTable('channel_orders')
    .set({
      ...rest,
      ...(snapshot
        ? {
            snapshot: JSON.stringify(snapshot),
            channel_updated_at: snapshot.updatedAt,
            channel_version: snapshot.version ?? 0,
          }
        : {}),
      ...(refunds ? { refunds: JSON.stringify(refunds) } : {}),
      updated_at: sql`now()`,
    })
    .where('id', '=', id)
    .execute();
}

export async function listChannelOrders(
  db: Conn,
  channelId: string,
  f: { state?: 'held' | 'placed' | undefined; after?: string | undefined; limit: number },
) {
  let q = db
    .selectFrom('channel_orders')
    .select(['id', 'external_id', 'state', 'hold_reason', 'order_id', 'channel_updated_at', 'received_at'])
    .where('channel_id', '=', channelId);
  if (f.state) q = q.where('state', '=', f.state);
  if (f.after) q = q.where('id', '>', f.after);
  return q.orderBy('id').limit(f.limit).execute();
}

/** The canonical order of a channel order, if placed (the outbound side and tests look it up). */
export async function findChannelOrderByOrderId(db: Conn, orderId: string) {
  return db
    .selectFrom('channel_orders')
    .innerJoin('channels', 'channels.id', 'channel_orders.channel_id')
    .select([
      'channel_orders.id',
      'channel_orders.channel_id',
      'channel_orders.external_id',
      'channels.kind',
      'channels.code',
    ])
    .where('channel_orders.order_id', '=', orderId)
    .executeTakeFirst();
}

/** The channel order behind one of our orders, with its snapshot (what the channel last said). */
export async function findChannelOrderOf(db: Conn, orderId: string) {
  const row = await db
    .selectFrom('channel_orders')
    .select(['channel_id', 'external_id', 'snapshot'])
    .where('order_id', '=', orderId)
    .executeTakeFirst();
  return row && { ...row, snapshot: row.snapshot as ChannelOrder };
}

/** The kept snapshot's clock of each of these channel orders, to skip what is not newer in one read. */
export async function keptVersions(db: Conn, channelId: string, externalIds: string[]) {
  if (externalIds.length === 0) return new Map<string, { updatedAt: Date; version: number }>();
  const rows = await db
    .selectFrom('channel_orders')
    .select(['external_id', 'channel_updated_at', 'channel_version'])
    .where('channel_id', '=', channelId)
    .where('external_id', 'in', externalIds)
    .execute();
  return new Map(
    rows.map((r) => [
      r.external_id,
      { updatedAt: new Date(r.channel_updated_at), version: Number(r.channel_version) },
    ]),
  );
}
