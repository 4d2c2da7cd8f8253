import type { Kysely } from 'kysely';
import { runSql } from '../../../platform/db/run-sql.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  await runSql(
    db,
    `
    -- A buyer across channels. email and phone are the main contact (normalized: lower-case e-mail,
    -- E.164 phone); every spelling an order brought is in customer_identities. A merged customer stays
    -- as a pointer (merged_into) so that links to its old id still resolve.
    create table customers (
      id uuid primary key,
      name text,
      email text,
      phone text,
      locale text not null check (locale in ('zh-CN','en')),
      time_zone text,
      -- { "<category>": { "<channel>": true|false } }; transactional is never stored (always allowed)
      contact_preferences jsonb not null default '{}',
      tags jsonb not null default '[]',
      merged_into uuid references customers(id),
      version int not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create index customers_name_idx on customers (lower(name));
    create index customers_created_idx on customers (created_at desc, id desc);

    -- How orders find their customer: one row per normalized e-mail or E.164 phone ever seen, so that
    -- a match is one indexed read and two placements racing for one new buyer meet on the key.
    create table customer_identities (
      kind text not null check (kind in ('email','phone')),
      value text not null,
      customer_id uuid not null references customers(id),
      created_at timestamptz not null default now(),
      primary key (kind, value)
    );
    create index customer_identities_customer_idx on customer_identities (customer_id);

    create table customer_orders (
      order_id uuid primary key references orders(id),
      customer_id uuid not null references customers(id),
      matched_by text not null check (matched_by in ('email','phone','new','merge')),
      linked_at timestamptz not null default now()
    );
    create index customer_orders_customer_idx on customer_orders (customer_id, linked_at desc);

    -- Ship-to addresses seen on the customer's orders, one row per distinct address.
    create table customer_addresses (
      id uuid primary key,
      customer_id uuid not null references customers(id),
      fingerprint text not null,
      name text not null,
      phone text not null,
      country text not null,
      province text,
      city text not null,
      district text,
      line1 text not null,
      line2 text,
      postal_code text,
      last_used_at timestamptz not null default now(),
      unique (customer_id, fingerprint)
    );

    -- Support notes, on a customer or on one of their orders (then customer_id may still be unknown).
    create table customer_notes (
      id uuid primary key,
      customer_id uuid references customers(id),
      order_id uuid references orders(id),
      author text not null,
      body text not null,
      created_at timestamptz not null default now(),
      check (customer_id is not null or order_id is not null)
    );
    create index customer_notes_customer_idx on customer_notes (customer_id, created_at);
    create index customer_notes_order_idx on customer_notes (order_id, created_at);

    create table customer_timeline (
      id uuid primary key,
      customer_id uuid not null references customers(id),
      at timestamptz not null default now(),
      kind text not null,
      actor text,
      message text not null,
      data jsonb not null default '{}'
    );
    create index customer_timeline_customer_idx on customer_timeline (customer_id, at, id);
    `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runSql(
    db,
    `drop table customer_timeline;
     drop table customer_notes;
     drop table customer_addresses;
     drop table customer_orders;
     drop table customer_identities;
     drop table customers;`,
  );
}
