import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DATABASE_URL } from '../../../test/helpers/test-database.js';
import { connectDatabase, type DatabaseHandle } from './connect.js';

/**
 * The migrator asks the introspector whether its table exists. Kysely's own reads every schema by
 * name, so a schema dropped by another process mid-read failed the migration (CI, two test files at
 * once). Ours reads the search path only.
 */
describe.skipIf((process.env.TEST_DB ?? 'pglite') !== 'postgres')('introspection of the search path', () => {
  const mine = `t_intro_${randomBytes(4).toString('hex')}`;
  const other = `t_intro_${randomBytes(4).toString('hex')}`;
  let admin: DatabaseHandle;
  let db: DatabaseHandle;

  beforeAll(async () => {
    admin = await connectDatabase({ databaseUrl: TEST_DATABASE_URL, poolSize: 2 });
    await admin.pool!.query(
      `create schema ${mine}; create schema ${other}; create table ${other}.elsewhere (id int)`,
    );
    db = await connectDatabase({ databaseUrl: TEST_DATABASE_URL, schema: mine, poolSize: 4 });
    await admin.pool!.query(
      `create table ${mine}.here (id serial primary key, note text not null default '')`,
    );
  });
  afterAll(async () => {
    await db?.close();
    await admin?.pool?.query(`drop schema if exists ${mine} cascade; drop schema if exists ${other} cascade`);
    await admin?.close();
  });

  it('lists the tables of the search path with their columns, and no other schema', async () => {
    const tables = await db.db.introspection.getTables();
    expect(tables.map((t) => `${t.schema}.${t.name}`)).toEqual([`${mine}.here`]);
    expect(
      tables[0]!.columns.map((c) => [c.name, c.isAutoIncrementing, c.hasDefaultValue, c.isNullable]),
    ).toEqual([
      ['id', true, true, false],
      ['note', false, true, false],
    ]);
  });
});
