import type { Kysely } from 'kysely';
import { runSql } from '../../../platform/db/run-sql.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  await runSql(
    db,
    `
    -- Per-subject counter: the upsert that bumps it also row-locks the subject for the rest of the
    -- transaction, so sequences are gap-free and in commit order per order.
    create table outbox_subjects (
      subject text primary key,
      last_sequence bigint not null
    );

    create table outbox (
      position bigint generated always as identity primary key,
      id uuid not null unique,
      -- the writing transaction: readers stop before rows of transactions that may still commit
      txid xid8 not null default pg_current_xact_id(),
      source text not null,
      type text not null,
      subject text not null,
      sequence bigint not null,
      time timestamptz not null default now(),
      data jsonb not null,
      unique (subject, sequence)
    );
    create index outbox_type_idx on outbox (type, position);
    `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runSql(db, 'drop table outbox; drop table outbox_subjects;');
}
