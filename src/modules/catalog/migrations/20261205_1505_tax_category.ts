import type { Kysely } from 'kysely';
import { runSql } from '../../../platform/db/run-sql.js';

/** A product's tax category picks its tax rates (pricing); a variant's weight its rates by weight. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runSql(
    db,
    `
    alter table products add column tax_category text not null default 'standard';
    alter table variants add column weight_grams int check (weight_grams >= 0);
    `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runSql(
    db,
    'alter table products drop column tax_category; alter table variants drop column weight_grams;',
  );
}
