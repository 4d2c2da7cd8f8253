import type { Kysely } from 'kysely';
import { runSql } from '../../../platform/db/run-sql.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  await runSql(
    db,
    `
    -- Templates per kind × locale × channel, every save a new version; the highest is in use. The
    -- shipped defaults live in code (default-templates.ts) and count as version 0.
    create table notification_templates (
      id uuid primary key,
      kind text not null,
      locale text not null,
      channel text not null check (channel in ('email','sms','helpdesk')),
      version int not null check (version > 0),
      subject text,
      body text not null,
      sms_template_code text,
      sms_params jsonb,
      created_by text not null,
      created_at timestamptz not null default now(),
      unique (kind, locale, channel, version)
    );

    -- One row per message: made once per (event, customer, channel) by its dedupe key, sent later by
    -- the sender (claimed with SKIP LOCKED under a lease), kept as the delivery log.
    create table notifications (
      id uuid primary key,
      dedupe_key text not null unique,
      kind text not null,
      category text not null,
      urgent boolean not null,
      channel text not null check (channel in ('email','sms','helpdesk')),
      locale text not null,
      order_id uuid not null,
      customer_id uuid,
      customer_key text,
      source_event_id uuid,
      recipient text,
      status text not null check (status in ('pending','sent','failed','skipped')),
      skip_reason text,
      subject text,
      body text,
      sms_template_code text,
      sms_params jsonb,
      template_version int,
      attempts int not null default 0,
      next_attempt_at timestamptz not null default now(),
      locked_by text,
      locked_until timestamptz,
      last_error text,
      provider_message_id text,
      resend_of uuid references notifications(id),
      created_at timestamptz not null default now(),
      sent_at timestamptz
    );
    create index notifications_due_idx on notifications (next_attempt_at) where status = 'pending';
    create index notifications_order_idx on notifications (order_id, created_at);
    create index notifications_customer_idx on notifications (customer_id, created_at) where customer_id is not null;
    create index notifications_customer_key_idx on notifications (customer_key, created_at);

    -- What a buyer switched off, per category (transactional cannot be). customer_key: the customer's
    -- id, or the order's e-mail in lower case for a buyer not known as a customer.
    create table notification_preferences (
      customer_key text not null,
      category text not null,
      enabled boolean not null,
      updated_at timestamptz not null default now(),
      primary key (customer_key, category)
    );

    -- Generated secrets (the unsubscribe-link key when UNSUBSCRIBE_SECRET is not set): one per deployment.
    create table notification_secrets (name text primary key, value text not null);
    `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runSql(
    db,
    'drop table notification_secrets; drop table notification_preferences; drop table notifications; drop table notification_templates;',
  );
}
