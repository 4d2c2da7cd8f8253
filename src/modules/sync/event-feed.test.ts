import { type ControlledTransaction, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import {
  flaggedEvent,
  lockWaitedOn,
  outboxEvents,
  waitFor,
  writeEvents,
} from '../../../test/helpers/sync.js';
import { useTestApp } from '../../../test/helpers/test-app.js';
import type { Database } from '../../platform/db/database.js';
import { newId } from '../../platform/ids.js';
import type { CloudEvent } from './events.schemas.js';
import { enqueue } from './outbox.js';
import { fanOut } from './relay/fan-out.js';

const onPglite = (process.env.TEST_DB ?? 'pglite') === 'pglite';

const flagged = (subject: string) => flaggedEvent(subject, 'feed test');

describe('GET /v1/events (the event feed)', () => {
  const t = useTestApp();

  async function feed(
    after: string | null,
    query = '',
  ): Promise<{ data: CloudEvent[]; next: string | null }> {
    const params = [after ? `after=${after}` : '', 'limit=1000', query].filter(Boolean).join('&');
    const res = await t().request({ method: 'GET', url: `/v1/events?${params}` });
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  }

  /** The id of the feed's last event now (null while it is empty): where a test starts reading. */
  async function feedEnd(): Promise<string | null> {
    let next: string | null = null;
    for (;;) {
      const page = await feed(next);
      if (page.data.length === 0) return next;
      next = page.next;
    }
  }

  const fanOutAll = async () => {
    const options = {
      relayId: 'feed-test',
      batchSize: 2,
      leaseMs: 1_000,
      ready: { transports: [], subscriptions: [] },
    };
    // A relay of this schema may hold FANOUT_LOCK, and fanOut then does nothing this time.
    for (let tries = 0; tries < 500; tries++) {
      if ((await fanOut(t().db, options)).events > 0) continue;
      const left = await t().db.selectFrom('outbox_pending').select('position').execute();
      if (left.length === 0) return;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error('outbox_pending did not empty');
  };

  it('lists events the relay has fanned out, in commit order, without a read in between', async () => {
    const start = await feedEnd();
    const one = newId();
    const two = newId();
    await writeEvents(t().db, one, 3);
    await writeEvents(t().db, two, 2, 2);
    await writeEvents(t().db, one, 2, 2);
    await fanOutAll();
    const pending = await t().db.selectFrom('outbox_pending').select('position').execute();
    expect(pending).toEqual([]);

    const got = await feed(start);
    const written = await outboxEvents(t(), [one, two]);
    expect(got.data.map((e) => e.id)).toEqual(written.map((e) => e.id));
    expect(got.data.filter((e) => e.subject === one).map((e) => e.sequence)).toEqual([1, 2, 3, 4, 5]);
    expect(got.data.filter((e) => e.subject === two).map((e) => e.sequence)).toEqual([1, 2]);

    // Half read by the feed, then fanned out, then more: paging on picks up exactly the rest.
    const more = newId();
    await writeEvents(t().db, more, 2);
    const first = await feed(got.next);
    expect(first.data.map((e) => e.sequence)).toEqual([1, 2]);
    await writeEvents(t().db, more, 3, 3);
    await fanOutAll();
    await writeEvents(t().db, more, 1);
    const rest = await feed(first.next);
    expect(rest.data.map((e) => [e.subject, e.sequence])).toEqual([
      [more, 3],
      [more, 4],
      [more, 5],
      [more, 6],
    ]);
  });

  it('takes as `after` an event nobody has read yet, and 404s an unknown one', async () => {
    const subject = newId();
    await writeEvents(t().db, subject, 3);
    const sequenced = () => t().db.selectFrom('event_feed').select('feed_position').execute();
    const before = await sequenced();
    const unknown = await t().request({ method: 'GET', url: `/v1/events?after=${newId()}` });
    expect(unknown.statusCode).toBe(404);
    expect(await sequenced()).toEqual(before); // a refused request writes nothing

    const [first, ...others] = await outboxEvents(t(), [subject]);
    const page = await feed(first!.id);
    expect(page.data.map((e) => e.id)).toEqual(others.map((e) => e.id));
  });

  // Needs transactions that overlap: PGlite is one connection and runs them one after another.
  describe.skipIf(onPglite)('with transactions committing out of position order (PostgreSQL)', () => {
    const open: Array<ControlledTransaction<Database>> = [];
    afterEach(async () => {
      for (const trx of open.splice(0)) {
        if (!trx.isCommitted && !trx.isRolledBack) await trx.rollback().execute();
      }
    });
    const begin = async () => {
      const trx = await t().db.startTransaction().execute();
      open.push(trx);
      return trx;
    };

    it('does not skip an event with a lower position whose transaction commits later', async () => {
      const start = await feedEnd();
      const subjectA = newId();
      const subjectB = newId();
      const a = await begin();
      await sql`select pg_current_xact_id()`.execute(a); // A takes the older transaction id
      const b = await begin();
      await enqueue(b, 'orders', subjectB, [flagged(subjectB)]); // position p, B still open
      await enqueue(a, 'orders', subjectA, [flagged(subjectA)]); // position p + 1
      await a.commit().execute();

      // A reader sees A's event, not B's (still open), and resumes after it. (Polled, so that a feed that
      // merely holds A back for a while still gets to the part that matters: B after A.)
      let reads = 0;
      const first = await waitFor(
        async () => {
          reads++;
          const page = await feed(start);
          return page.data.length > 0 ? page : undefined;
        },
        { timeoutMs: 10_000, message: "A's event in the feed" },
      );
      expect(first.data.map((e) => e.subject)).toEqual([subjectA]);

      await b.commit().execute();
      const second = await feed(first.next);
      expect(second.data.map((e) => e.subject)).toEqual([subjectB]);
      // Everything committed before a read is in it: A's event on the first try.
      expect(reads).toBe(1);

      // The scenario really had the lower position committed later, by the younger transaction.
      const order = await sql<{ ok: boolean }>`
        select b.position < a.position and b.txid > a.txid as ok
        from outbox a, outbox b where a.subject = ${subjectA} and b.subject = ${subjectB}
      `.execute(t().db);
      expect(order.rows[0]?.ok).toBe(true);
    });

    it("keeps an order's sequence when its transactions took their ids in the other order", async () => {
      const start = await feedEnd();
      const subject = newId();
      const second = await begin();
      await sql`select pg_current_xact_id()`.execute(second); // older id, commits second
      const pid = (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(second)).rows[0]!.pid;
      const first = await begin();
      await enqueue(first, 'orders', subject, [flagged(subject)]); // sequence 1, holds the subject
      const waiting = enqueue(second, 'orders', subject, [flagged(subject), flagged(subject)]);
      await lockWaitedOn(t().db, 'the second transaction to wait for the order', pid);
      await first.commit().execute();
      await waiting; // sequences 2 and 3

      const before = await feed(start, `subject=${subject}`);
      expect(before.data.map((e) => e.sequence)).toEqual([1]);
      await second.commit().execute();
      const after = await feed(before.next, `subject=${subject}`);
      expect(after.data.map((e) => e.sequence)).toEqual([2, 3]);
      const all = await feed(start);
      expect(all.data.filter((e) => e.subject === subject).map((e) => e.sequence)).toEqual([1, 2, 3]);

      const ids = await sql<{ ok: boolean }>`
        select (select txid from outbox where subject = ${subject} and sequence = 2)
             < (select txid from outbox where subject = ${subject} and sequence = 1) as ok
      `.execute(t().db);
      expect(ids.rows[0]?.ok).toBe(true);
    });
  });
});
