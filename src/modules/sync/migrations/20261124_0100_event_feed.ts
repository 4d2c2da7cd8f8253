import type { Kysely } from 'kysely';
import { runSql } from '../../../platform/db/run-sql.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  await runSql(
    db,
    `
    -- The order of GET /v1/events. outbox.position is drawn at insert, so a row can become visible
    -- after rows with higher positions and a reader paging by position would skip it. Feed positions
    -- are drawn after commit instead, by one sequencer at a time (an advisory lock held until its
    -- commit, see sync/event-feed.ts): the feed only grows at its end, so a cursor never passes over
    -- a row that shows up later.
    create table event_feed (
      feed_position bigint generated always as identity primary key,
      event_position bigint not null unique
    );

    -- Everything in the outbox is committed by now: the feed starts with it, in position order.
    insert into event_feed (event_position) select position from outbox order by position;
    `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runSql(db, 'drop table event_feed;');
}
