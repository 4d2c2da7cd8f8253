import type { Db } from '../../platform/db/database.js';
import { inTransaction } from '../../platform/db/transaction.js';
import { findOrdersAwaitingPayment } from '../orders/index.js';
import { createNotifications } from './create-notifications.js';
import { ordersWithout } from './notifications.repository.js';

/**
 * A scheduled job: buyers whose unpaid order is cancelled within `leadSeconds` get one reminder
 * (its dedupe key makes it once, whichever process gets there first).
 */
export async function remindUnpaidOrders(db: Db, now: Date, leadSeconds: number): Promise<number> {
  const due = await findOrdersAwaitingPayment(db, now, new Date(now.getTime() + leadSeconds * 1000), 500);
  const orderIds = await ordersWithout(
    db,
    'payment_reminder',
    due.map((o) => o.id),
  );
  let made = 0;
  for (const orderId of orderIds) {
    made += await inTransaction(db, (trx) =>
      createNotifications(
        trx,
        { kind: 'payment_reminder', orderId, occasion: 'reminder', sourceEventId: null },
        now,
      ),
    );
  }
  return made;
}
