import { type ControlledTransaction, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { flaggedEvent, lockWaitedOn } from '../../../test/helpers/sync.js';
import { useMigratedTestDatabase } from '../../../test/helpers/test-database.js';
import type { Database } from '../../platform/db/database.js';
import { inTransaction } from '../../platform/db/transaction.js';
import { newId } from '../../platform/ids.js';
import { enqueue, enqueueEach } from './outbox.js';

const onPglite = (process.env.TEST_DB ?? 'pglite') === 'pglite';

const flagged = (subject: string, reason: string) => ({ ...flaggedEvent(subject, reason), subject });

describe('enqueueEach: events of many subjects in one statement', () => {
  const t = useMigratedTestDatabase();

  /** Each subject's events in position order: sequence, the reason they were written with, pending. */
  async function eventsOf(subjects: string[]) {
    const rows = await t()
      .db.selectFrom('outbox')
      .leftJoin('outbox_pending', 'outbox_pending.position', 'outbox.position')
      .select(['outbox.subject', 'outbox.sequence', 'outbox.data', 'outbox_pending.position as pending'])
      .where('outbox.subject', 'in', subjects)
      .orderBy('outbox.position')
      .execute();
    return Object.fromEntries(
      subjects.map((s) => [
        s,
        rows
          .filter((r) => r.subject === s)
          .map(
            (r) =>
              `${r.sequence} ${(r.data as { reason: string }).reason}${r.pending ? '' : ' (not pending)'}`,
          ),
      ]),
    );
  }

  it("numbers each subject's events on from its last, gap-free, in the order given, each one pending", async () => {
    const [a, b, c] = [newId(), newId(), newId()];
    await inTransaction(t().db, (trx) => enqueue(trx, 'orders', a, [flaggedEvent(a, 'a1')]));
    await inTransaction(t().db, (trx) =>
      enqueueEach(trx, 'orders', [
        flagged(b, 'b1'),
        flagged(a, 'a2'),
        flagged(c, 'c1'),
        flagged(b, 'b2'),
        flagged(a, 'a3'),
      ]),
    );

    expect(await eventsOf([a, b, c])).toEqual({
      [a]: ['1 a1', '2 a2', '3 a3'],
      [b]: ['1 b1', '2 b2'],
      [c]: ['1 c1'],
    });
    const counters = await t()
      .db.selectFrom('outbox_subjects')
      .select(['subject', 'last_sequence'])
      .where('subject', 'in', [a, b, c])
      .execute();
    expect(Object.fromEntries(counters.map((r) => [r.subject, Number(r.last_sequence)]))).toEqual({
      [a]: 3,
      [b]: 2,
      [c]: 1,
    });
  });

  // Needs transactions that overlap: PGlite is one connection and runs them one after another.
  describe.skipIf(onPglite)('two transactions on the same subjects (PostgreSQL)', () => {
    const open: Array<ControlledTransaction<Database>> = [];
    afterEach(async () => {
      for (const trx of open.splice(0)) {
        if (!trx.isCommitted && !trx.isRolledBack) await trx.rollback().execute();
      }
    });

    it('takes the subjects in sorted order whatever the order given, and numbers them in commit order', async () => {
      const [a, b] = [newId(), newId()].sort() as [string, string];
      await inTransaction(t().db, (trx) => enqueue(trx, 'orders', a, [flaggedEvent(a, 'before')]));
      const first = await t().db.startTransaction().execute();
      const second = await t().db.startTransaction().execute();
      open.push(first, second);
      const pid = (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(second)).rows[0]!.pid;

      await enqueue(first, 'orders', b, [flaggedEvent(b, 'first')]); // first holds b
      const waiting = enqueueEach(second, 'orders', [flagged(b, 'second'), flagged(a, 'second')]);
      await lockWaitedOn(t().db, 'the second transaction to wait for b', pid);
      // It took a (sorted first) before waiting for b, though b was listed first: two such statements
      // on the same subjects never each hold one the other waits for.
      await expect(
        sql`select 1 from outbox_subjects where subject = ${a} for update nowait`.execute(t().db),
      ).rejects.toMatchObject({ code: '55P03' });
      await enqueue(first, 'orders', b, [flaggedEvent(b, 'first again')]);
      await first.commit().execute();
      await waiting;
      await second.commit().execute();

      expect(await eventsOf([a, b])).toEqual({
        [a]: ['1 before', '2 second'],
        [b]: ['1 first', '2 first again', '3 second'],
      });
    });
  });
});
