import type { Kysely } from 'kysely';
import { runSql } from '../run-sql.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  await runSql(
    db,
    `
    create table api_keys (
      id uuid primary key,
      name text not null,
      role text not null check (role in ('admin','support','warehouse','finance','channel','storefront')),
      key_prefix text not null,
      key_hash text not null unique,
      created_at timestamptz not null default now(),
      revoked_at timestamptz
    );

    -- One row per (caller, Idempotency-Key). 'in_progress' rows are claims; 'done' rows replay.
    create table idempotency_keys (
      scope text not null,
      key text not null,
      request_hash text not null,
      state text not null default 'in_progress' check (state in ('in_progress','done')),
      response_status int,
      response_body text,
      response_content_type text,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (scope, key)
    );
    create index idempotency_keys_created_at_idx on idempotency_keys (created_at);
    `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runSql(db, 'drop table idempotency_keys; drop table api_keys;');
}
