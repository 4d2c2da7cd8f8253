import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { TEST_DATABASE_URL } from '../../../test/helpers/test-database.js';
import { connectDatabase } from './connect.js';

describe.skipIf((process.env.TEST_DB ?? 'pglite') !== 'postgres')('PostgreSQL session settings', () => {
  it('turns JIT off on every connection, with or without a schema, and keeps the schema as the search path', async () => {
    const schema = `t_settings_${randomBytes(4).toString('hex')}`;
    const plain = await connectDatabase({ databaseUrl: TEST_DATABASE_URL, poolSize: 2 });
    const scoped = await connectDatabase({ databaseUrl: TEST_DATABASE_URL, schema, poolSize: 2 });
    try {
      const setting = async (db: typeof plain.db, name: string) =>
        (await sql<Record<string, string>>`show ${sql.raw(name)}`.execute(db)).rows[0]![name];
      expect(await setting(plain.db, 'jit')).toBe('off');
      expect(await setting(scoped.db, 'jit')).toBe('off');
      expect(await setting(scoped.db, 'search_path')).toBe(schema);
      expect(await setting(plain.db, 'search_path')).not.toBe(schema);
    } finally {
      await scoped.close();
      await plain.close();
    }
  });
});
