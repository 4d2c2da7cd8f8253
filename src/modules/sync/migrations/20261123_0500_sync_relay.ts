import type { Kysely } from 'kysely';
import { runSql } from '../../../platform/db/run-sql.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  await runSql(
    db,
    `
    -- One row per event not yet fanned out to the subscriptions. enqueue() writes it in the same
    -- transaction as the event; the relay deletes it in the transaction that creates the event's
    -- deliveries. Work is found by row state, not by a "last position seen" cursor, so an event whose
    -- transaction commits after later positions were read is still picked up.
    create table outbox_pending (
      position bigint primary key
    );

    -- A UUIDv7 made in SQL (PostgreSQL 18 has uuidv7(); 15 to 17 and PGlite do not): the 48-bit Unix
    -- millisecond time over the front of a random v4, and the version bits turned from 4 to 7. For rows
    -- created in bulk by one statement (a subscription's backfill, a replay).
    create function ordersync_uuidv7() returns uuid language sql volatile as $$
      select encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid())
        placing substring(int8send(floor(extract(epoch from clock_timestamp()) * 1000)::bigint) from 3)
        from 1 for 6), 52, 1), 53, 1), 'hex')::uuid
    $$;

    create table subscriptions (
      id uuid primary key,
      name text not null,
      transport text not null check (transport in ('webhook','amqp','nats')),
      url text,
      -- Standard Webhooks secrets (whsec_…); during a rotation the previous one signs too, until it expires
      secret text,
      previous_secret text,
      previous_secret_expires_at timestamptz,
      -- patterns like 'order.*', 'payment.refunded', '*'
      event_types text[] not null,
      status text not null default 'active' check (status in ('active','paused','disabled')),
      disabled_reason text,
      -- start of the current stretch of failures (cleared by any success); a long stretch disables
      failing_since timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      check ((transport = 'webhook') = (url is not null and secret is not null))
    );

    -- Delivery state per (subscription, event). The relay claims due rows with FOR UPDATE SKIP LOCKED
    -- and a lease (locked_by, locked_until) that another relay may take over once it has run out.
    create table deliveries (
      id uuid primary key,
      subscription_id uuid not null references subscriptions(id) on delete cascade,
      event_id uuid not null,
      event_position bigint not null,
      event_type text not null,
      subject text not null,
      sequence bigint not null,
      status text not null default 'pending' check (status in ('pending','delivered','dead')),
      attempts int not null default 0,
      next_attempt_at timestamptz not null default now(),
      locked_by text,
      locked_until timestamptz,
      last_error text,
      last_response_status int,
      created_at timestamptz not null default now(),
      delivered_at timestamptz,
      unique (subscription_id, event_id)
    );
    -- what is due (claim-batch.ts)
    create index deliveries_due_idx on deliveries (next_attempt_at) where status = 'pending';
    -- what holds an order back: the undelivered deliveries of one (subscription, subject)
    create index deliveries_open_idx on deliveries (subscription_id, subject, sequence)
      where status <> 'delivered';
    create index deliveries_subscription_idx on deliveries (subscription_id, id);

    -- Inbound messages and callbacks, once each: the first (source, message id) is applied, repeats are not.
    create table inbox (
      source text not null,
      message_id text not null,
      type text not null,
      payload jsonb not null,
      status text not null default 'received' check (status in ('received','applied','rejected')),
      error text,
      received_at timestamptz not null default now(),
      primary key (source, message_id)
    );
    `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runSql(
    db,
    'drop table inbox; drop table deliveries; drop table subscriptions; drop table outbox_pending; drop function ordersync_uuidv7();',
  );
}
