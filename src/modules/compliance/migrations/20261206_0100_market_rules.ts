import type { Kysely } from 'kysely';
import { runSql } from '../../../platform/db/run-sql.js';

/**
 * Market rules (#17): checks at order placement per destination and channel, as data.
 *
 * - compliance_rule_set: one row whose version changes with every rule saved; each process keeps the
 *   rules in memory and the order's statement checks this version, so a stale copy is never used.
 * - compliance_yearly_totals: what a person spent under a rule in a year, counted by the order's
 *   statement with a conditional update (as stock), never past the rule's limit.
 * - compliance_order_charges: what each order counted, given back when it is cancelled.
 * - compliance_outcomes: per rule, the orders it let through and the ones it refused (the report).
 * - compliance_buyer_identities: the identity document an order carried for a rule that asks for it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runSql(
    db,
    `
    create table compliance_rules (
      id uuid primary key,
      name text not null unique,
      description text,
      active boolean not null default true,
      country char(2) not null,
      province text,
      -- null: every channel
      channels text[],
      conditions jsonb not null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create table compliance_rule_set (
      id smallint primary key check (id = 1),
      version uuid not null
    );
    insert into compliance_rule_set (id, version) values (1, md5(random()::text || clock_timestamp()::text)::uuid);
    create table compliance_yearly_totals (
      rule_id uuid not null,
      person_key text not null,
      year smallint not null,
      used bigint not null check (used >= 0),
      primary key (rule_id, person_key, year)
    );
    create table compliance_order_charges (
      order_id uuid not null,
      rule_id uuid not null,
      person_key text not null,
      year smallint not null,
      amount bigint not null,
      primary key (order_id, rule_id)
    );
    create table compliance_outcomes (
      id uuid primary key,
      rule_id uuid not null,
      order_id uuid,
      outcome text not null check (outcome in ('accepted', 'refused')),
      reason text,
      at timestamptz not null default now()
    );
    create index compliance_outcomes_at on compliance_outcomes (at);
    create table compliance_buyer_identities (
      order_id uuid primary key,
      name text not null,
      id_number text not null
    );
    `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runSql(
    db,
    `
    drop table compliance_buyer_identities;
    drop table compliance_outcomes;
    drop table compliance_order_charges;
    drop table compliance_yearly_totals;
    drop table compliance_rule_set;
    drop table compliance_rules;
    `,
  );
}
