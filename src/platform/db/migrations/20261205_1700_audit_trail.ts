import type { Kysely } from 'kysely';
import { runSql } from '../run-sql.js';

// The audit trail. audit_log and audit_seal take inserts only: a trigger refuses UPDATE, DELETE and
// TRUNCATE for every role (the application's included), on PGlite as on PostgreSQL. Only a superuser
// that disables the trigger can change a row, and the hash chain (audit_seal) then shows it.
// audit_unsealed is the sealer's queue (rows not yet in the chain); audit_chain_head its one-row
// serial point, locked only by the sealer, so no request waits on the chain.
export async function up(db: Kysely<unknown>): Promise<void> {
  await runSql(
    db,
    `
    create table audit_log (
      seq bigint generated always as identity primary key,
      id uuid not null unique,
      recorded_at timestamptz(3) not null default now(),
      kind text not null check (kind in ('request', 'change')),
      actor_key_id uuid,
      actor_role text not null,
      actor_name text,
      request_id text,
      action text not null,
      resource text not null,
      resource_id text,
      outcome integer,
      before jsonb,
      after jsonb,
      detail jsonb
    );
    create index audit_log_actor on audit_log (actor_key_id, seq);
    create index audit_log_resource on audit_log (resource, resource_id, seq);
    create index audit_log_action on audit_log (action, seq);
    create index audit_log_time on audit_log (recorded_at);
    create table audit_unsealed (seq bigint primary key);
    create table audit_seal (
      position bigint primary key,
      seq bigint not null unique,
      hash text not null
    );
    create table audit_chain_head (
      id integer primary key check (id = 1),
      position bigint not null,
      hash text not null
    );
    insert into audit_chain_head values (1, 0, '');
    create function audit_append_only() returns trigger language plpgsql as $$
    begin raise exception '% is append-only: % refused', tg_table_name, tg_op using errcode = '42501'; end
    $$;
    create trigger audit_log_append_only before update or delete on audit_log
      for each row execute function audit_append_only();
    create trigger audit_log_no_truncate before truncate on audit_log
      for each statement execute function audit_append_only();
    create trigger audit_seal_append_only before update or delete on audit_seal
      for each row execute function audit_append_only();
    create trigger audit_seal_no_truncate before truncate on audit_seal
      for each statement execute function audit_append_only();
    `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runSql(
    db,
    `
    drop table audit_log, audit_unsealed, audit_seal, audit_chain_head;
    drop function audit_append_only();
    `,
  );
}
