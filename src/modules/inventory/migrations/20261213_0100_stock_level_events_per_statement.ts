import { type Kysely, sql } from 'kysely';
import { runSql } from '../../../platform/db/run-sql.js';
import { up as rowTriggers } from './20261205_1901_stock_level_events.js';

/**
 * `stock.level_changed` written once per statement instead of once per row: the triggers read the
 * statement's changed rows from its transition tables and enqueue all their events in one statement,
 * where the row triggers ran ordersync_enqueue's three inserts for each row. An order of two SKUs
 * reserves in one statement: one trigger call and one insert per table instead of two; a stock
 * import of thousands of rows, one instead of thousands.
 *
 * The same events as before: one per row whose sellable units (on hand − reserved − safety stock)
 * changed, subject `stock:<sku>:<warehouse id>`. A statement changes a row once, so each subject takes
 * the next number of its counter; the counter row stays locked, like the stock row, until commit
 * (taken in `collate "C"` order, as outbox.ts takes subjects).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // One statement, run whole (runSql would split the body at its semicolons).
  await sql
    .raw(`
    create function stock_levels_changed() returns trigger language plpgsql as $$
    declare
      changed stock_levels[];
    begin
      -- old_rows exists for the update trigger only; plpgsql plans a branch when it first runs it
      if tg_op = 'INSERT' then
        changed := array(select n from new_rows n where n.on_hand - n.reserved - n.safety_stock <> 0);
      else
        changed := array(
          select n from new_rows n join old_rows o on o.sku = n.sku and o.warehouse_id = n.warehouse_id
          where n.on_hand - n.reserved - n.safety_stock is distinct from o.on_hand - o.reserved - o.safety_stock);
      end if;
      if cardinality(changed) = 0 then
        return null;
      end if;
      with level as (
        select c.*, 'stock:' || c.sku || ':' || c.warehouse_id as subject from unnest(changed) c
      ),
      counter as (
        insert into outbox_subjects (subject, last_sequence)
        select subject, 1 from level order by subject collate "C"
        on conflict (subject) do update set last_sequence = outbox_subjects.last_sequence + 1
        returning subject, last_sequence
      ),
      written as (
        insert into outbox (id, source, type, subject, sequence, data)
        select ordersync_uuidv7(), '/ordersync/inventory', 'com.ordersync.stock.level_changed', l.subject,
          c.last_sequence, jsonb_build_object('sku', l.sku, 'warehouseId', l.warehouse_id,
            'onHand', l.on_hand, 'reserved', l.reserved, 'safetyStock', l.safety_stock,
            'sellable', greatest(0, l.on_hand - l.reserved - l.safety_stock))
        from level l join counter c on c.subject = l.subject
        order by l.subject collate "C"
        returning position
      )
      insert into outbox_pending (position) select position from written;
      return null;
    end
    $$`)
    .execute(db);
  await runSql(
    db,
    `
    drop trigger stock_level_changed_update on stock_levels;
    drop trigger stock_level_changed_insert on stock_levels;
    drop function stock_level_changed();
    create trigger stock_levels_changed_update after update on stock_levels
      referencing old table as old_rows new table as new_rows
      for each statement execute function stock_levels_changed();
    create trigger stock_levels_changed_insert after insert on stock_levels
      referencing new table as new_rows
      for each statement execute function stock_levels_changed();
    `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runSql(
    db,
    `drop trigger stock_levels_changed_insert on stock_levels; drop trigger stock_levels_changed_update on stock_levels;
     drop function stock_levels_changed();`,
  );
  await rowTriggers(db); // 20261205_1901's row triggers again
}
