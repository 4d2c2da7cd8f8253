import type { Kysely } from 'kysely';
import { runSql } from '../../../platform/db/run-sql.js';

// Lead-time histograms per ISO week (Monday, UTC) of placement: a range's whole months still come from
// the monthly rows, and its ends now from whole weeks and at most six days each, not up to a month of
// daily rows (~600 rows a day by carrier). Filled from the daily rows already there.
export async function up(db: Kysely<unknown>): Promise<void> {
  await runSql(
    db,
    `create table analytics_lead_times_weekly (
       week timestamptz not null, stage text not null, dimension text not null, value text not null,
       bucket int not null, orders int not null,
       primary key (week, stage, dimension, value, bucket));
     insert into analytics_lead_times_weekly (week, stage, dimension, value, bucket, orders)
     select date_trunc('week', day, 'UTC'), stage, dimension, value, bucket, sum(orders)
     from analytics_lead_times_daily group by 1, 2, 3, 4, 5;`,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runSql(db, 'drop table analytics_lead_times_weekly;');
}
