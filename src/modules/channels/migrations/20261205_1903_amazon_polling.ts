import type { Kysely } from 'kysely';
import { runSql } from '../../../platform/db/run-sql.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  await runSql(
    db,
    `
    -- Where each Amazon channel's getOrders polling stands (amazon/order-poll.ts explains the rule),
    -- and a lease so that one process polls a channel at a time (Amazon's quota is the seller's).
    create table amazon_poll_state (
      channel_id uuid primary key references channels(id) on delete cascade,
      watermark timestamptz not null,
      leased_until timestamptz,
      last_polled_at timestamptz,
      last_error text
    );

    -- Each (AmazonOrderId, LastUpdateDate) applied once: the overlap re-reads them, this skips them
    -- before getOrderItems is spent on them. Rows older than the watermark less a day are pruned.
    create table amazon_applied_versions (
      channel_id uuid not null references channels(id) on delete cascade,
      amazon_order_id text not null,
      last_update_date timestamptz not null,
      primary key (channel_id, amazon_order_id, last_update_date)
    );
    `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runSql(db, 'drop table amazon_applied_versions; drop table amazon_poll_state;');
}
