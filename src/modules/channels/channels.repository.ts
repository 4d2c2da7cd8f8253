import type { Insertable, Selectable, Updateable } from 'kysely';
import { sql } from 'kysely';
import type { Conn } from '../../platform/db/database.js';
import type { ChannelsTable } from './channels.tables.js';

export type ChannelRow = Selectable<ChannelsTable>;

export async function insertChannel(db: Conn, row: Insertable<ChannelsTable>): Promise<ChannelRow> {
  return db.insertInto('channels').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function findChannelById(db: Conn, id: string): Promise<ChannelRow | undefined> {
  return db.selectFrom('channels').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findChannelByCode(db: Conn, code: string): Promise<ChannelRow | undefined> {
  return db.selectFrom('channels').selectAll().where('code', '=', code).executeTakeFirst();
}

export async function listChannels(
  db: Conn,
  after: string | undefined,
  limit: number,
): Promise<ChannelRow[]> {
  let q = db.selectFrom('channels').selectAll();
  if (after) q = q.where('id', '>', after);
  return q.orderBy('id').limit(limit).execute();
}

/** The enabled channels of some kinds, for jobs that poll or reconcile them. */
export async function listEnabledChannels(db: Conn, kinds: readonly ChannelsTable['kind'][]) {
  if (kinds.length === 0) return [];
  return db
    .selectFrom('channels')
    .selectAll()
    .where('enabled', '=', true)
    .where('kind', 'in', kinds)
    .orderBy('id')
    .execute();
}

export async function updateChannel(
  db: Conn,
  id: string,
  changes: Updateable<ChannelsTable>,
): Promise<ChannelRow | undefined> {
  return db
    .updateTable('channels')
    .set({ ...changes, version: sql`version + 1`, updated_at: sql`now()` })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

/** Deletes a channel that never took an order; returns whether it did (orders keep it alive). */
export async function deleteChannelWithoutOrders(db: Conn, id: string): Promise<boolean> {
  const result = await db
    .deleteFrom('channels')
    .where('id', '=', id)
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom('channel_orders').select('id').whereRef('channel_id', '=', 'channels.id'))),
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function upsertSkuMap(
  db: Conn,
  channelId: string,
  entries: readonly { channelSku: string; sku: string }[],
): Promise<void> {
  await db
    .insertInto('channel_sku_map')
    .values(entries.map((e) => ({ channel_id: channelId, channel_sku: e.channelSku, sku: e.sku })))
    .onConflict((oc) =>
      oc.columns(['channel_id', 'channel_sku']).doUpdateSet({
        sku: (eb) => eb.ref('excluded.sku'),
        updated_at: sql`now()`,
      }),
    )
    .execute();
}

export async function deleteSkuMap(
  db: Conn,
  channelId: string,
  channelSkus: readonly string[],
): Promise<number> {
  const result = await db
    .deleteFrom('channel_sku_map')
    .where('channel_id', '=', channelId)
    .where('channel_sku', 'in', channelSkus)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

export async function listSkuMap(db: Conn, channelId: string, after: string | undefined, limit: number) {
  let q = db.selectFrom('channel_sku_map').select(['channel_sku', 'sku']).where('channel_id', '=', channelId);
  if (after !== undefined) q = q.where('channel_sku', '>', after);
  return q.orderBy('channel_sku').limit(limit).execute();
}

/** Our SKU for each of these channel SKUs / variant ids that is mapped. */
export async function findMappedSkus(
  db: Conn,
  channelId: string,
  channelSkus: readonly string[],
): Promise<Map<string, string>> {
  if (channelSkus.length === 0) return new Map();
  const rows = await db
    .selectFrom('channel_sku_map')
    .select(['channel_sku', 'sku'])
    .where('channel_id', '=', channelId)
    .where('channel_sku', 'in', [...new Set(channelSkus)])
    .execute();
  return new Map(rows.map((r) => [r.channel_sku, r.sku]));
}

/** The channel SKUs / ids mapped to each of these SKUs of ours (the map read backwards; stock push). */
export async function findChannelNamesOf(
  db: Conn,
  channelId: string,
  skus: readonly string[],
): Promise<Map<string, string[]>> {
  if (skus.length === 0) return new Map();
  const rows = await db
    .selectFrom('channel_sku_map')
    .select(['channel_sku', 'sku'])
    .where('channel_id', '=', channelId)
    .where('sku', 'in', [...new Set(skus)])
    .orderBy('channel_sku')
    .execute();
  const names = new Map<string, string[]>();
  for (const r of rows) names.set(r.sku, [...(names.get(r.sku) ?? []), r.channel_sku]);
  return names;
}
