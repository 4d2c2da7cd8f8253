import type { Kysely } from 'kysely';
import { runSql } from '../../../platform/db/run-sql.js';

/**
 * What an order was charged, as pricing worked it out: each line's share of the discount and its tax
 * (so a refunded line gives back what it cost), the cash-on-delivery fee, and the promotions, tax
 * lines and shipping options behind the totals.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runSql(
    db,
    `
    alter table order_lines add column discount bigint not null default 0;
    alter table order_lines add column tax bigint not null default 0;
    alter table order_lines add column tax_inclusive boolean not null default true;
    alter table orders add column cod_fee bigint not null default 0;
    alter table orders add column pricing jsonb not null default '{}';
    `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runSql(
    db,
    `alter table order_lines drop column discount, drop column tax, drop column tax_inclusive;
     alter table orders drop column cod_fee, drop column pricing;`,
  );
}
