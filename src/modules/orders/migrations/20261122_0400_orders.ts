import type { Kysely } from 'kysely';
import { runSql } from '../../../platform/db/run-sql.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  await runSql(
    db,
    `
    create sequence order_number_seq;

    create table orders (
      id uuid primary key,
      number text not null unique,
      channel text not null,
      status text not null,
      payment_status text not null,
      fulfillment_status text not null,
      payment_method text not null,
      customer_email text not null,
      customer_phone text,
      customer_name text,
      currency char(3) not null,
      subtotal bigint not null,
      shipping_total bigint not null,
      discount_total bigint not null,
      tax_total bigint not null,
      grand_total bigint not null,
      paid_total bigint not null default 0,
      refunded_total bigint not null default 0,
      note text,
      version int not null default 1,
      placed_at timestamptz not null default now(),
      payment_due_at timestamptz,
      cancelled_at timestamptz,
      cancel_reason text,
      updated_at timestamptz not null default now()
    );
    create index orders_placed_idx on orders (placed_at desc, id desc);
    create index orders_status_idx on orders (status, placed_at desc);
    create index orders_email_idx on orders (lower(customer_email));
    create index orders_phone_idx on orders (customer_phone);
    create index orders_channel_idx on orders (channel, placed_at desc);
    create index orders_payment_due_idx on orders (payment_due_at) where status = 'pending_payment';

    create table order_addresses (
      order_id uuid not null references orders(id),
      key text not null,
      name text not null,
      phone text not null,
      country char(2) not null,
      province text,
      city text not null,
      district text,
      line1 text not null,
      line2 text,
      postal_code text,
      primary key (order_id, key)
    );

    create table order_lines (
      id uuid primary key,
      order_id uuid not null references orders(id),
      line_no int not null,
      sku text not null,
      product_id uuid not null,
      variant_id uuid not null,
      title text not null,
      unit_price bigint not null,
      quantity int not null check (quantity > 0),
      line_total bigint not null,
      ship_to text not null,
      unique (order_id, line_no)
    );

    create table order_timeline (
      id uuid primary key,
      order_id uuid not null references orders(id),
      at timestamptz not null default now(),
      kind text not null,
      from_status text,
      to_status text,
      actor text,
      message text not null,
      data jsonb not null default '{}'
    );
    create index order_timeline_order_idx on order_timeline (order_id, at, id);

    `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runSql(
    db,
    'drop table order_timeline; drop table order_lines; drop table order_addresses; drop table orders; drop sequence order_number_seq;',
  );
}
