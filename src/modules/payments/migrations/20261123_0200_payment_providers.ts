import type { Kysely } from 'kysely';
import { runSql } from '../../../platform/db/run-sql.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  await runSql(
    db,
    `
    alter table payments add column refunded_amount bigint not null default 0;
    alter table payments add column provider_trade_no text;
    alter table payments add column action jsonb;
    alter table payments add column authorized_at timestamptz;
    alter table payments add column failure_reason text;
    -- the last line against refunding more than was paid, whatever the code above it does
    alter table payments add constraint payments_refunded_check check (refunded_amount between 0 and amount);

    -- A refund moves through pending (counted against what is refundable, not yet confirmed by the
    -- provider) to succeeded or failed. Pending and succeeded rows together never exceed the payment.
    create table payment_refunds (
      id uuid primary key,
      payment_id uuid not null references payments(id),
      order_id uuid not null,
      amount bigint not null check (amount > 0),
      currency char(3) not null,
      status text not null check (status in ('pending','succeeded','failed')),
      reason text not null,
      provider_ref text,
      failure_reason text,
      attempts int not null default 0,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      completed_at timestamptz
    );
    create index payment_refunds_payment_idx on payment_refunds (payment_id);
    create index payment_refunds_pending_idx on payment_refunds (updated_at) where status = 'pending';

    -- Provider notifications, one row per (provider, the provider's message id): a repeat finds the
    -- row and gets the answer stored with it, so a callback is applied once whatever the retries.
    create table payment_callbacks (
      id uuid primary key,
      provider text not null,
      message_id text not null,
      payment_id uuid,
      order_id uuid,
      kind text not null,
      outcome text not null,
      response_status int not null,
      response_type text not null,
      response_body text not null,
      payload jsonb not null,
      received_at timestamptz not null default now(),
      unique (provider, message_id)
    );
    create index payment_callbacks_payment_idx on payment_callbacks (payment_id);
    `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runSql(
    db,
    `drop table payment_callbacks;
    drop table payment_refunds;
    alter table payments drop constraint payments_refunded_check;
    alter table payments drop column refunded_amount;
    alter table payments drop column provider_trade_no;
    alter table payments drop column action;
    alter table payments drop column authorized_at;
    alter table payments drop column failure_reason;`,
  );
}
