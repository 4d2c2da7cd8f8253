import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { connectDatabase } from './connect.js';

const onPglite = (process.env.TEST_DB ?? 'pglite') === 'pglite';

describe.skipIf(!onPglite)('a PGlite snapshot (what the test suite starts each file from)', () => {
  it('holds what was committed before it; a database opened from it starts there and goes its own way', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pglite-snapshot-'));
    const file = join(dir, 'db.tar');
    try {
      const first = await connectDatabase({});
      await sql`create table kept (n int primary key)`.execute(first.db);
      await sql`insert into kept values (1), (2)`.execute(first.db);
      await first.snapshot!(file);
      await sql`insert into kept values (3)`.execute(first.db);
      await first.close();

      const opened = [
        await connectDatabase({ pgliteSnapshot: file }),
        await connectDatabase({ pgliteSnapshot: file }),
      ];
      await sql`insert into kept values (10)`.execute(opened[0]!.db);
      const rows = await Promise.all(
        opened.map(async (h) => (await sql<{ n: number }>`select n from kept order by n`.execute(h.db)).rows),
      );
      expect(rows).toEqual([
        [{ n: 1 }, { n: 2 }, { n: 10 }],
        [{ n: 1 }, { n: 2 }],
      ]);
      for (const h of opened) await h.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
