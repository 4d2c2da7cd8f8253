import type { Kysely } from 'kysely';
import { runSql } from '../run-sql.js';

// A channel key acts for one sales channel: it places and reads that channel's orders only. Channel
// keys made before this have none and reach no orders until replaced by one that names its channel.
export async function up(db: Kysely<unknown>): Promise<void> {
  await runSql(
    db,
    `
    alter table api_keys add column channel text;
    alter table api_keys add constraint api_keys_channel_role check (channel is null or role = 'channel');
    `,
  );
}
