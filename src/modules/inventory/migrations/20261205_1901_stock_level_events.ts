import { type Kysely, sql } from 'kysely';
import { runSql } from '../../../platform/db/run-sql.js';

/**
 * `stock.level_changed` whenever a stock level's sellable units (on hand − reserved − safety stock)
 * change, written by a trigger in the changing transaction: stock moves in many statements (counts,
 * adjustments, reservations inside order placement's one statement, releases, returns), and a
 * trigger is the one place none of them can forget. Shipping reserved units changes on hand and
 * reserved together: not an event.
 *
 * Subject `stock:<sku>:<warehouse id>`: its counter row is locked only while the stock row itself
 * is (same key, same transaction), so the event adds no wait and no lock-order hazard; per subject the
 * sequence follows commit order, which consumers (channel stock push) use to stay in order.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // The function is one statement, run whole (runSql splits at semicolons that end a line).
  await sql
    .raw(`
    create function stock_level_changed() returns trigger language plpgsql as $$
    begin
      perform ordersync_enqueue('inventory', 'stock:' || new.sku || ':' || new.warehouse_id, 'stock.level_changed',
        jsonb_build_object(
          'sku', new.sku,
          'warehouseId', new.warehouse_id,
          'onHand', new.on_hand,
          'reserved', new.reserved,
          'safetyStock', new.safety_stock,
          'sellable', greatest(0, new.on_hand - new.reserved - new.safety_stock)));
      return null;
    end
    $$`)
    .execute(db);
  await runSql(
    db,
    `
    create trigger stock_level_changed_update after update on stock_levels for each row
      when (new.on_hand - new.reserved - new.safety_stock is distinct from old.on_hand - old.reserved - old.safety_stock)
      execute function stock_level_changed();
    create trigger stock_level_changed_insert after insert on stock_levels for each row
      when (new.on_hand - new.reserved - new.safety_stock <> 0)
      execute function stock_level_changed();
    `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runSql(
    db,
    `drop trigger stock_level_changed_insert on stock_levels; drop trigger stock_level_changed_update on stock_levels;
     drop function stock_level_changed();`,
  );
}
