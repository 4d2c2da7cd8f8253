import type { Db } from '../../platform/db/database.js';
import { inTransaction } from '../../platform/db/transaction.js';
import { AppError, invalid } from '../../platform/errors.js';
import { maskEmail, maskPhone } from '../../platform/privacy/masking.js';
import { enqueue } from '../sync/index.js';
import {
  CONTACT_CHANNELS,
  type ContactPreferences,
  mayContact,
  SWITCHABLE_CATEGORIES,
} from './contact-preferences.js';
import { toCustomerSnapshot } from './customer-views.js';
import {
  type CustomerRow,
  insertCustomerTimeline,
  lockCustomerById,
  moveCustomerBelongings,
  updateCustomer,
} from './customers.repository.js';

/**
 * Contact preferences after a merge: a category's channel stays allowed only if both customers
 * allowed it, so a merge never gives consent that one of them withheld.
 */
function mergedPreferences(a: CustomerRow, b: CustomerRow): ContactPreferences {
  return Object.fromEntries(
    SWITCHABLE_CATEGORIES.map((category) => [
      category,
      Object.fromEntries(
        CONTACT_CHANNELS.map((ch) => [
          ch,
          mayContact(a.contact_preferences, category, ch) && mayContact(b.contact_preferences, category, ch),
        ]),
      ),
    ]),
  );
}

/**
 * `absorbedId` becomes part of `survivorId`: its orders, e-mails and phones, addresses, notes and
 * timeline follow; contact it lacked, and its tags, are taken over. The absorbed customer stays as
 * a pointer (merged_into), so its old id still finds the survivor. One transaction, one event.
 */
export async function mergeCustomers(db: Db, survivorId: string, absorbedId: string, actor: string) {
  if (survivorId === absorbedId) {
    throw invalid([{ field: 'body.customerId', message: 'is this customer; merge another one into it' }]);
  }
  return inTransaction(db, async (trx) => {
    // Locked in id order, so that A←B and B←A at once wait rather than deadlock.
    const locked = new Map<string, CustomerRow | undefined>();
    for (const id of [survivorId, absorbedId].sort()) locked.set(id, await lockCustomerById(trx, id));
    const survivor = locked.get(survivorId);
    const absorbed = locked.get(absorbedId);
    if (!survivor) throw new AppError('not_found', `Customer ${survivorId} was not found`);
    if (!absorbed) {
      throw new AppError('unprocessable', `Customer ${absorbedId} was not found`, {
        errors: [{ field: 'body.customerId', message: 'no such customer' }],
      });
    }
    for (const c of [survivor, absorbed]) {
      if (c.merged_into) {
        throw new AppError('conflict', `Customer ${c.id} was merged into ${c.merged_into} already`, {
          mergedInto: c.merged_into,
        });
      }
    }
    const orderIds = await moveCustomerBelongings(trx, absorbed.id, survivor.id);
    await updateCustomer(trx, absorbed.id, { merged_into: survivor.id });
    const merged = await updateCustomer(trx, survivor.id, {
      name: survivor.name ?? absorbed.name,
      email: survivor.email ?? absorbed.email,
      phone: survivor.phone ?? absorbed.phone,
      tags: JSON.stringify([...new Set([...survivor.tags, ...absorbed.tags])]),
      contact_preferences: JSON.stringify(mergedPreferences(survivor, absorbed)),
    });
    await insertCustomerTimeline(trx, {
      customer_id: survivor.id,
      kind: 'customer.merged',
      actor,
      // The contact masked: a timeline is read by support and must not become a copy of it.
      message: `Merged customer ${absorbed.id} (${maskEmail(absorbed.email) ?? maskPhone(absorbed.phone) ?? 'no contact'}) into this one; ${orderIds.length} order(s) moved`,
      data: { mergedId: absorbed.id, orderIds },
    });
    await enqueue(trx, 'customers', survivor.id, [
      {
        type: 'customer.merged',
        data: { customer: toCustomerSnapshot(merged), mergedId: absorbed.id, orderIds },
      },
    ]);
    return merged;
  });
}
