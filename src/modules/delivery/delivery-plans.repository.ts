import type { Insertable } from 'kysely';
import type { Conn, Trx } from '../../platform/db/database.js';
import { insertRows } from '../../platform/db/row-sets.js';
import type { DeliveryPlansTable } from './delivery.tables.js';

export async function insertDeliveryPlans(trx: Trx, plans: Insertable<DeliveryPlansTable>[]): Promise<void> {
  if (plans.length === 0) return;
  await insertRows(trx, 'delivery_plans', plans)
    .onConflict((oc) => oc.columns(['order_id', 'ship_to']).doNothing())
    .execute();
}

export function findDeliveryPlans(db: Conn, orderId: string) {
  return db
    .selectFrom('delivery_plans')
    .selectAll()
    .where('order_id', '=', orderId)
    .orderBy('ship_to')
    .execute();
}
