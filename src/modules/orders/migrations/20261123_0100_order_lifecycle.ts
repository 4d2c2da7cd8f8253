import type { Kysely } from 'kysely';
import { runSql } from '../../../platform/db/run-sql.js';

// Orders learn about delivery, completion, closing and review; lines can be cancelled in part
// (refund-only before shipment). Cancellations are rows of their own so the hot order insert, which
// fills order_lines from JSON, stays as it is.
export async function up(db: Kysely<unknown>): Promise<void> {
  await runSql(
    db,
    `
    alter table orders add column delivered_at timestamptz;
    alter table orders add column completed_at timestamptz;
    alter table orders add column closed_at timestamptz;
    alter table orders add column review_reason text;
    create index orders_delivered_idx on orders (delivered_at) where status = 'delivered';

    create table order_line_cancellations (
      id uuid primary key,
      order_id uuid not null references orders(id),
      line_id uuid not null references order_lines(id),
      quantity int not null check (quantity > 0),
      reason text not null,
      created_at timestamptz not null default now()
    );
    create index order_line_cancellations_order_idx on order_line_cancellations (order_id);
    `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runSql(
    db,
    `drop table order_line_cancellations;
    alter table orders drop column delivered_at;
    alter table orders drop column completed_at;
    alter table orders drop column closed_at;
    alter table orders drop column review_reason;`,
  );
}
