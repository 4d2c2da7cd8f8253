import type { Kysely } from 'kysely';
import { runSql } from '../../../platform/db/run-sql.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  await runSql(
    db,
    `
    -- A sales channel account. Secrets (API credentials, the webhook secret) are AES-256-GCM
    -- ciphertexts under CHANNEL_SECRETS_KEY (channel-secrets.ts); nothing here is usable without it.
    create table channels (
      id uuid primary key,
      code text not null unique,
      kind text not null check (kind in ('shopify','woocommerce','amazon','file')),
      name text not null,
      api_url text,
      credentials_enc text,
      webhook_secret_enc text,
      warehouses text[] not null default '{}',
      currency char(3) not null,
      stock_policy jsonb not null,
      enabled boolean not null default true,
      version int not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );

    -- Channel SKU (or variant id) to our SKU.
    create table channel_sku_map (
      channel_id uuid not null references channels(id) on delete cascade,
      channel_sku text not null,
      sku text not null,
      updated_at timestamptz not null default now(),
      primary key (channel_id, channel_sku)
    );

    -- One row per order of a channel: the latest snapshot the channel sent (ordered by its updated_at
    -- and version), and the canonical order it became, or why it is held.
    create table channel_orders (
      id uuid primary key,
      channel_id uuid not null references channels(id) on delete cascade,
      external_id text not null,
      order_id uuid unique references orders(id),
      state text not null check (state in ('held','placed')),
      hold_reason text,
      channel_updated_at timestamptz not null,
      channel_version bigint not null default 0,
      snapshot jsonb not null,
      refunds jsonb not null default '{}',
      received_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (channel_id, external_id)
    );
    create index channel_orders_held_idx on channel_orders (channel_id, received_at) where state = 'held';

    -- Webhook deliveries as received: answered at once, applied by a job (channel-deliveries.ts).
    -- A delivery id seen twice (a channel's retry) is kept once.
    create table channel_deliveries (
      id uuid primary key,
      channel_id uuid not null references channels(id) on delete cascade,
      delivery_id text not null,
      topic text not null,
      body text not null,
      status text not null default 'pending' check (status in ('pending','done','failed')),
      attempts int not null default 0,
      last_error text,
      received_at timestamptz not null default now(),
      processed_at timestamptz,
      unique (channel_id, delivery_id)
    );
    create index channel_deliveries_pending_idx on channel_deliveries (received_at) where status = 'pending';
    `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runSql(
    db,
    'drop table channel_deliveries; drop table channel_orders; drop table channel_sku_map; drop table channels;',
  );
}
