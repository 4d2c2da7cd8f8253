import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { connectDatabase } from './connect.js';

const onPglite = (process.env.TEST_DB ?? 'pglite') === 'pglite';

async function show(settings: readonly string[] | undefined, names: string[]) {
  const handle = await connectDatabase({ pgliteSettings: settings });
  try {
    const shown: Record<string, string> = {};
    for (const name of names) {
      const { rows } = await sql<Record<string, string>>`show ${sql.raw(name)}`.execute(handle.db);
      shown[name] = rows[0]![name]!;
    }
    return shown;
  } finally {
    await handle.close();
  }
}

describe.skipIf(!onPglite)('embedded PGlite settings (PGLITE_SETTINGS)', () => {
  it('starts with small buffers, not PostgreSQL defaults sized for a server; a setting named again wins', async () => {
    expect(
      await show(['work_mem=3MB'], ['shared_buffers', 'wal_buffers', 'work_mem', 'temp_buffers']),
    ).toEqual({ shared_buffers: '16MB', wal_buffers: '1MB', work_mem: '3MB', temp_buffers: '2MB' });
  });

  it('refuses to open with a setting PostgreSQL does not know, rather than ignoring it', async () => {
    await expect(connectDatabase({ pgliteSettings: ['shared_bufers=16MB'] })).rejects.toThrow();
  });
});
