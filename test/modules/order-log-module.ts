import type { Generated, Kysely } from 'kysely';
import { Type } from 'typebox';
import type { Db, Trx } from '../../src/platform/db/database.js';
import { runSql } from '../../src/platform/db/run-sql.js';
import type { ConsumedEvent, EventConsumer, Module } from '../../src/platform/module.js';

/**
 * A module that lives only in the test suite, plugged in through the module list like any other: a
 * table of its own (its migration), a route, and an event consumer that logs every `order.*` event it
 * is given, with the process that applied it. The log has no unique key, so a duplicate would show; the consumer's inbox is what must
 * prevent one. A subject in `test_order_log_faults` makes the consumer throw (a table, so that the
 * fault holds in every process running the consumer).
 */
type OrderLogTables = {
  test_order_log: {
    n: Generated<number>;
    consumer: string;
    event_id: string;
    subject: string;
    sequence: number;
    type: string;
    pid: number;
  };
  test_order_log_faults: { subject: string };
};

const tables = (db: Db | Trx) => db.withTables<OrderLogTables>();

const migration = {
  async up(db: Kysely<unknown>) {
    await runSql(
      db,
      `create table test_order_log (
         n bigserial primary key, consumer text not null, event_id uuid not null,
         subject text not null, sequence int not null, type text not null, pid int not null);
       create table test_order_log_faults (subject text primary key);`,
    );
  },
  async down(db: Kysely<unknown>) {
    await runSql(db, 'drop table test_order_log; drop table test_order_log_faults;');
  },
};

/**
 * A consumer writing to the log under its own name; `from` as a consumer added later would say.
 * `batched`: with handleBatch (its work is all in the database), so fan-out applies it inline.
 */
export function orderLogConsumer(
  name: string,
  from: 'now' | 'beginning' = 'beginning',
  batched = false,
): EventConsumer {
  const consumer: EventConsumer = {
    name,
    eventTypes: ['order.*'],
    from,
    async handle(event: ConsumedEvent, trx: Trx) {
      const db = tables(trx);
      const fault = await db
        .selectFrom('test_order_log_faults')
        .select('subject')
        .where('subject', '=', event.subject)
        .executeTakeFirst();
      if (fault) throw new Error(`order ${event.subject} is refused by the test`);
      await db
        .insertInto('test_order_log')
        .values({
          consumer: name,
          event_id: event.id,
          subject: event.subject,
          sequence: event.sequence,
          type: event.type,
          pid: process.pid,
        })
        .execute();
    },
  };
  if (batched)
    consumer.handleBatch = async (events, trx) => {
      for (const event of events) await consumer.handle(event, trx);
    };
  return consumer;
}

const LogEntry = Type.Object({ eventId: Type.String(), type: Type.String(), sequence: Type.Integer() });

export const orderLogModule = {
  name: 'order-log',
  migrations: { '20261204_2359_test_order_log': migration },
  routes: [
    async (app, { deps }) => {
      app.get(
        '/test/order-log/:subject',
        {
          config: { roles: ['support'] },
          schema: {
            params: Type.Object({ subject: Type.String() }),
            response: { 200: Type.Array(LogEntry) },
          },
        },
        async (request) =>
          (await readOrderLog(deps.db, 'test-order-log', request.params.subject)).map((r) => ({
            eventId: r.event_id,
            type: r.type,
            sequence: r.sequence,
          })),
      );
    },
  ],
  consumes: [orderLogConsumer('test-order-log')],
} satisfies Module<{ db: Db }>;

/** What a consumer logged, in the order it applied it (for one subject, or all). */
export function readOrderLog(db: Db, consumer: string, subject?: string) {
  let q = tables(db).selectFrom('test_order_log').selectAll().where('consumer', '=', consumer).orderBy('n');
  if (subject) q = q.where('subject', '=', subject);
  return q.execute();
}

export async function refuseOrder(db: Db, subject: string): Promise<void> {
  await tables(db).insertInto('test_order_log_faults').values({ subject }).execute();
}

export async function stopRefusing(db: Db, subject: string): Promise<void> {
  await tables(db).deleteFrom('test_order_log_faults').where('subject', '=', subject).execute();
}
