import type { Kysely } from 'kysely';
import { runSql } from '../../../platform/db/run-sql.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  await runSql(
    db,
    `
    create table payments (
      id uuid primary key,
      order_id uuid not null references orders(id),
      provider text not null,
      status text not null,
      amount bigint not null check (amount > 0),
      currency char(3) not null,
      provider_ref text,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      paid_at timestamptz
    );
    create index payments_order_idx on payments (order_id);
    `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runSql(db, 'drop table payments;');
}
