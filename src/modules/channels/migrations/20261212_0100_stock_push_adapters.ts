import type { Kysely } from 'kysely';
import { runSql } from '../../../platform/db/run-sql.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  await runSql(
    db,
    `
    -- A SKU the channel does not sell (no item for it there, and no mapping naming one): its level is
    -- settled (not due) but nothing was sent; the stock-push status lists it as not on the channel.
    alter table channel_stock_levels add column absent boolean not null default false;
    -- Items the channel refused one by one (a batch answer's per-item error): they stay due.
    alter table channel_stock_push add column failed_total bigint not null default 0;
    -- The stock push finds a SKU's names on a channel (WooCommerce) from our side of the map.
    create index channel_sku_map_sku_idx on channel_sku_map (channel_id, sku);
    `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runSql(
    db,
    `drop index channel_sku_map_sku_idx;
     alter table channel_stock_push drop column failed_total;
     alter table channel_stock_levels drop column absent;`,
  );
}
