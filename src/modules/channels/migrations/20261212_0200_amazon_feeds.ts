import type { Kysely } from 'kysely';
import { runSql } from '../../../platform/db/run-sql.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  await runSql(
    db,
    `
    -- Cancellations made here for Amazon orders. The outbox consumer records one as due in its own
    -- transaction; the feed job sends each channel's due ones as one order-acknowledgement feed and
    -- reads the processing report back (amazon/amazon-feeds.ts): told, or due again after a doubling
    -- wait, dead after the last try.
    create table amazon_cancellations (
      channel_id uuid not null references channels(id) on delete cascade,
      order_id uuid not null,
      amazon_order_id text not null,
      -- Amazon's OrderItemIds to cancel, read with getOrderItems by the feed job (null: not yet)
      items jsonb,
      status text not null default 'due' check (status in ('due', 'sent', 'told', 'dead')),
      feed_id uuid,
      attempts int not null default 0,
      next_attempt_at timestamptz not null default now(),
      last_error text,
      created_at timestamptz not null default now(),
      told_at timestamptz,
      primary key (channel_id, order_id)
    );
    create index amazon_cancellations_due_idx on amazon_cancellations (channel_id, next_attempt_at)
      where status = 'due';

    -- Every feed sent: while 'submitted' its report is still to read; its messages say what each was.
    create table amazon_feeds (
      id uuid primary key,
      channel_id uuid not null references channels(id) on delete cascade,
      purpose text not null check (purpose in ('cancellations', 'inventory')),
      feed_type text not null,
      amazon_feed_id text,
      status text not null default 'submitting'
        check (status in ('submitting', 'submitted', 'done', 'fatal', 'cancelled')),
      processing_status text,
      messages int not null,
      messages_with_error int,
      created_at timestamptz not null default now(),
      next_check_at timestamptz not null default now(),
      finished_at timestamptz,
      last_error text
    );
    create index amazon_feeds_open_idx on amazon_feeds (channel_id, next_check_at)
      where status in ('submitting', 'submitted');

    create table amazon_feed_messages (
      feed_id uuid not null references amazon_feeds(id) on delete cascade,
      message_id int not null,
      order_id uuid,
      sku text,
      seller_sku text,
      version bigint,
      quantity int,
      -- what the processing report said of it: null until read
      result text check (result in ('ok', 'error')),
      error text,
      primary key (feed_id, message_id)
    );

    -- Per channel: one process at a time sends and reads its feeds (a lease), and createFeed's token
    -- bucket kept here, so every process together stays inside the seller's quota.
    create table amazon_feed_state (
      channel_id uuid primary key references channels(id) on delete cascade,
      leased_by text,
      leased_until timestamptz,
      feed_tokens double precision,
      tokens_at timestamptz not null default now(),
      next_inventory_at timestamptz not null default now(),
      last_error text,
      last_error_at timestamptz
    );

    -- A SKU Amazon refused: tried again after a doubling wait; after the last try, not until a new
    -- stock change (a new version).
    create table amazon_stock_errors (
      channel_id uuid not null references channels(id) on delete cascade,
      sku text not null,
      version bigint not null,
      attempts int not null,
      retry_at timestamptz,
      last_error text not null,
      primary key (channel_id, sku)
    );
    `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runSql(
    db,
    'drop table amazon_stock_errors; drop table amazon_feed_state; drop table amazon_feed_messages; drop table amazon_feeds; drop table amazon_cancellations;',
  );
}
