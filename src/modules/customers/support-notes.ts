import type { Db } from '../../platform/db/database.js';
import { inTransaction } from '../../platform/db/transaction.js';
import { notFound } from '../../platform/errors.js';
import { addOrderTimeline, findOrderById, toOrderSnapshot } from '../orders/index.js';
import { enqueue } from '../sync/index.js';
import { lockLiveCustomer } from './customer-updates.js';
import { toSupportNote } from './customer-views.js';
import { findOrderLink, insertCustomerTimeline, insertNote } from './customers.repository.js';

/** A support note on a customer: in their timeline, and a customer.note_added event. */
export function addCustomerNote(db: Db, customerId: string, body: string, author: string) {
  return inTransaction(db, async (trx) => {
    const customer = await lockLiveCustomer(trx, customerId);
    const note = toSupportNote(
      await insertNote(trx, { customer_id: customer.id, order_id: null, author, body }),
    );
    await insertCustomerTimeline(trx, {
      customer_id: customer.id,
      kind: 'note.added',
      actor: author,
      message: body,
      data: { noteId: note.id },
    });
    await enqueue(trx, 'customers', customer.id, [
      { type: 'customer.note_added', data: { customerId: customer.id, note } },
    ]);
    return note;
  });
}

/**
 * A support note on an order: in the order's timeline for staff (never the buyer's view), with the
 * order's customer when it is known, and an order.note_added event. The order is read, not locked: a
 * note changes nothing about it.
 */
export function addOrderNote(db: Db, orderId: string, body: string, author: string) {
  return inTransaction(db, async (trx) => {
    const order = await findOrderById(trx, orderId);
    if (!order) throw notFound('Order', orderId);
    const customerId = (await findOrderLink(trx, orderId))?.customer_id ?? null;
    const note = toSupportNote(
      await insertNote(trx, { customer_id: customerId, order_id: orderId, author, body }),
    );
    await addOrderTimeline(trx, orderId, {
      kind: 'support.note',
      actor: author,
      message: body,
      data: { noteId: note.id },
      staffOnly: true,
    });
    await enqueue(trx, 'customers', orderId, [
      { type: 'order.note_added', data: { order: toOrderSnapshot(order), note } },
    ]);
    return note;
  });
}
