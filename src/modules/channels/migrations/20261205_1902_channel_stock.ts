import type { Kysely } from 'kysely';
import { runSql } from '../../../platform/db/run-sql.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  await runSql(
    db,
    `
    -- Each SKU's stock level per channel. A stock change bumps version (the stock.level_changed
    -- consumer); the pusher sends rows with version > pushed_version, reading the stock then, so any
    -- number of changes since the last push become one level, the latest. An acknowledgement is
    -- recorded only if newer than the recorded one (never backwards).
    create table channel_stock_levels (
      channel_id uuid not null references channels(id) on delete cascade,
      sku text not null,
      version bigint not null,
      -- the last level sent
      level int not null,
      -- when the oldest change not yet acknowledged was made (the delay the bench measures)
      changed_at timestamptz not null default now(),
      pushed_version bigint not null default 0,
      -- what the channel holds as far as we know: the compareQuantity of the next push
      pushed_level int,
      pushed_at timestamptz,
      primary key (channel_id, sku)
    );
    create index channel_stock_levels_due_idx on channel_stock_levels (channel_id, changed_at)
      where version > pushed_version;

    -- One pusher per channel at a time (a lease), where the channel keeps stock, and its health.
    create table channel_stock_push (
      channel_id uuid primary key references channels(id) on delete cascade,
      leased_by text,
      leased_until timestamptz,
      location_ref text,
      pushed_total bigint not null default 0,
      throttled_total bigint not null default 0,
      stale_total bigint not null default 0,
      last_pushed_at timestamptz,
      last_error text,
      last_error_at timestamptz
    );
    `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runSql(db, 'drop table channel_stock_push; drop table channel_stock_levels;');
}
