import { sql } from 'kysely';
import type { Conn, Trx } from '../../../platform/db/database.js';
import type { ChannelKind } from '../channels.tables.js';

/** Ids of the channels that take stock pushes and sell from a warehouse (naming none: all of them). */
export async function channelsServingWarehouse(
  db: Conn,
  warehouseCode: string,
  kinds: readonly ChannelKind[],
): Promise<string[]> {
  const rows = await db
    .selectFrom('channels')
    .select('id')
    .where('enabled', '=', true)
    .where('kind', 'in', kinds)
    .where((eb) =>
      eb.or([sql<boolean>`${warehouseCode} = any(warehouses)`, sql<boolean>`cardinality(warehouses) = 0`]),
    )
    .execute();
  return rows.map((r) => r.id);
}

/**
 * Marks a SKU due on each channel: a new version of its level, the row made if it is the first.
 * `changed_at` keeps the oldest change not yet acknowledged (what the push delay is measured from).
 *
 *   insert into channel_stock_levels (channel_id, sku, version, level) select c, $sku, 1, 0 from unnest($channels) c
 *   on conflict (channel_id, sku) do update set version = version + 1,
 *     changed_at = case when version > pushed_version then changed_at else now() end
 */
export async function bumpStockVersions(trx: Trx, channelIds: readonly string[], sku: string): Promise<void> {
  await sql`
    insert into channel_stock_levels (channel_id, sku, version, level)
    select c, ${sku}, 1, 0 from unnest(${channelIds}::uuid[]) as c
    on conflict (channel_id, sku) do update set
      version = channel_stock_levels.version + 1,
      changed_at = case when channel_stock_levels.version > channel_stock_levels.pushed_version
                        then channel_stock_levels.changed_at else now() end
  `.execute(trx);
}

/**
 * The same for a relay batch of changes in one statement: each (channel, SKU) pair once (a SKU changed
 * in two warehouses of one channel is one new version), in SKU order, as the pusher's updates go.
 *
 *   insert into channel_stock_levels (channel_id, sku, version, level)
 *   select c, s, 1, 0 from unnest($channels, $skus) as p(c, s) order by s, c
 *   on conflict (channel_id, sku) do update set version = version + 1, changed_at = …
 */
export async function bumpStockVersionsOf(
  trx: Trx,
  pairs: ReadonlyArray<{ channelId: string; sku: string }>,
): Promise<void> {
  if (pairs.length === 0) return;
  const unique = [...new Map(pairs.map((p) => [`${p.channelId} ${p.sku}`, p])).values()].sort((a, b) =>
    a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : a.channelId < b.channelId ? -1 : 1,
  );
  await sql`
    insert into channel_stock_levels (channel_id, sku, version, level)
    select p.c, p.s, 1, 0
    from unnest(${unique.map((p) => p.channelId)}::uuid[], ${unique.map((p) => p.sku)}::text[]) with ordinality as p(c, s, n)
    order by p.n
    on conflict (channel_id, sku) do update set
      version = channel_stock_levels.version + 1,
      changed_at = case when channel_stock_levels.version > channel_stock_levels.pushed_version
                        then channel_stock_levels.changed_at else now() end
  `.execute(trx);
}

export interface DueLevel {
  sku: string;
  version: number;
  pushedLevel: number | null;
  changedAt: Date;
}

/**
 * A channel's levels not yet acknowledged, oldest change first (uses channel_stock_levels_due_idx),
 * less the SKUs in `skip` (ones the channel refused, resting before they are tried again).
 */
export async function dueStockLevels(
  db: Conn,
  channelId: string,
  limit: number,
  skip: readonly string[] = [],
): Promise<DueLevel[]> {
  const rows = await db
    .selectFrom('channel_stock_levels')
    .select(['sku', 'version', 'pushed_level', 'changed_at'])
    .where('channel_id', '=', channelId)
    .where(sql<boolean>`version > pushed_version`)
    .$if(skip.length > 0, (q) => q.where(sql<boolean>`sku <> all(${[...skip]}::text[])`))
    .orderBy('changed_at')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    sku: r.sku,
    version: Number(r.version),
    pushedLevel: r.pushed_level,
    changedAt: r.changed_at,
  }));
}

/**
 * Records what the channel acknowledged, each only if newer than what is recorded: a slow pusher
 * whose lease ran out can never put an older acknowledgement over a newer one.
 *
 *   update channel_stock_levels s set pushed_version = a.version, level = a.level, pushed_level = a.level, absent = false, …
 *   from unnest(…) a(sku, version, level) where s.channel_id = $c and s.sku = a.sku and s.pushed_version < a.version
 */
export async function recordPushed(
  db: Conn,
  channelId: string,
  acks: ReadonlyArray<{ sku: string; version: number; level: number }>,
): Promise<void> {
  if (acks.length === 0) return;
  await sql`
    update channel_stock_levels s
    set pushed_version = a.version, level = a.level, pushed_level = a.level, pushed_at = now(), absent = false
    from unnest(${acks.map((a) => a.sku)}::text[], ${acks.map((a) => a.version)}::bigint[],
                ${acks.map((a) => a.level)}::int[]) as a(sku, version, level)
    where s.channel_id = ${channelId} and s.sku = a.sku and s.pushed_version < a.version
  `.execute(db);
}

/**
 * SKUs the channel does not sell: their levels are settled (nothing to send), nothing recorded as
 * pushed, and the status shows them as not on the channel; only if newer, as acknowledgements.
 */
export async function recordAbsent(
  db: Conn,
  channelId: string,
  levels: ReadonlyArray<{ sku: string; version: number; level: number }>,
): Promise<void> {
  if (levels.length === 0) return;
  await sql`
    update channel_stock_levels s set pushed_version = a.version, level = a.level, absent = true
    from unnest(${levels.map((a) => a.sku)}::text[], ${levels.map((a) => a.version)}::bigint[],
                ${levels.map((a) => a.level)}::int[]) as a(sku, version, level)
    where s.channel_id = ${channelId} and s.sku = a.sku and s.pushed_version < a.version
  `.execute(db);
}

/** What the channel was found to hold (a stale compare): the next push compares against it. */
export async function recordChannelLevels(
  db: Conn,
  channelId: string,
  levels: ReadonlyArray<{ sku: string; level: number }>,
): Promise<void> {
  if (levels.length === 0) return;
  await sql`
    update channel_stock_levels s set pushed_level = a.level
    from unnest(${levels.map((a) => a.sku)}::text[], ${levels.map((a) => a.level)}::int[]) as a(sku, level)
    where s.channel_id = ${channelId} and s.sku = a.sku
  `.execute(db);
}

/** What the pusher did for a channel: counters, last push and last error (none before its first round). */
export const findStockPushState = (db: Conn, channelId: string) =>
  db.selectFrom('channel_stock_push').selectAll().where('channel_id', '=', channelId).executeTakeFirst();

/** How many of a channel's SKUs wait for a push (a level not yet acknowledged), and are not sold there. */
export async function countStockLevels(
  db: Conn,
  channelId: string,
): Promise<{ due: number; absent: number }> {
  const row = await db
    .selectFrom('channel_stock_levels')
    .select([
      sql<number>`(count(*) filter (where version > pushed_version))::int`.as('due'),
      sql<number>`(count(*) filter (where absent))::int`.as('absent'),
    ])
    .where('channel_id', '=', channelId)
    .executeTakeFirstOrThrow();
  return row;
}

/** A page of a channel's SKU levels by SKU: what was last pushed and whether a newer one waits. */
export const listChannelStockLevels = (
  db: Conn,
  channelId: string,
  afterSku: string | undefined,
  limit: number,
) =>
  db
    .selectFrom('channel_stock_levels')
    .select([
      'sku',
      'pushed_level',
      'pushed_at',
      'changed_at',
      'absent',
      sql<boolean>`version > pushed_version`.as('due'),
    ])
    .where('channel_id', '=', channelId)
    .$if(afterSku !== undefined, (q) => q.where('sku', '>', afterSku!))
    .orderBy('sku')
    .limit(limit)
    .execute();
