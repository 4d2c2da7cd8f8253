import type { Kysely } from 'kysely';
import { runSql } from '../../../platform/db/run-sql.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  await runSql(
    db,
    `
    -- In-process event consumers are subscriptions too (transport 'consumer', no URL), registered at
    -- start by name: one subscription per consumer name, whichever process registers it first.
    alter table subscriptions drop constraint subscriptions_transport_check;
    alter table subscriptions add constraint subscriptions_transport_check
      check (transport in ('webhook','amqp','nats','consumer'));
    create unique index subscriptions_consumer_name on subscriptions (name) where transport = 'consumer';
    `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runSql(
    db,
    `
    drop index subscriptions_consumer_name;
    delete from subscriptions where transport = 'consumer';
    alter table subscriptions drop constraint subscriptions_transport_check;
    alter table subscriptions add constraint subscriptions_transport_check
      check (transport in ('webhook','amqp','nats'));
    `,
  );
}
