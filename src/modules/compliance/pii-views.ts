import { recordChange } from '../../platform/audit/audit-recorder.js';
import type { Db } from '../../platform/db/database.js';
import { inTransaction } from '../../platform/db/transaction.js';
import { notFound } from '../../platform/errors.js';
import { findOrderAddresses, findOrderById, toAddressView } from '../orders/index.js';

/**
 * An order's contact and addresses in full, for a role that sees them masked: the reason and the
 * caller are recorded in the audit trail in the same transaction that reads them, so no unaudited
 * read happens.
 */
export async function openOrderPersonalData(db: Db, orderId: string, reason: string) {
  return inTransaction(db, async (trx) => {
    const order = await findOrderById(trx, orderId);
    if (!order) throw notFound('Order', orderId);
    const addresses = await findOrderAddresses(trx, orderId);
    await recordChange(trx, {
      action: 'order.pii_view',
      resource: 'order',
      resourceId: orderId,
      detail: { reason, fields: ['customer', ...addresses.map((a) => `addresses.${a.key}`)] },
    });
    return {
      orderId,
      customer: { email: order.customer_email, phone: order.customer_phone, name: order.customer_name },
      addresses: Object.fromEntries(addresses.map((a) => [a.key, toAddressView(a)])),
    };
  });
}
