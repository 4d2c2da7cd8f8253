import type { Db, Trx } from '../../platform/db/database.js';
import { inTransaction } from '../../platform/db/transaction.js';
import { AppError, notFound } from '../../platform/errors.js';
import { enqueue } from '../sync/index.js';
import {
  type ContactChannel,
  type ContactPreferences,
  type SwitchableCategory,
  withPreferences,
} from './contact-preferences.js';
import type { CustomerLocale } from './customer-defaults.js';
import { type CustomerRecord, toCustomerRecord, toCustomerSnapshot } from './customer-views.js';
import {
  type CustomerRow,
  insertCustomerTimeline,
  lockCustomerById,
  updateCustomer,
} from './customers.repository.js';

export interface CustomerChanges {
  name?: string;
  locale?: CustomerLocale;
  timeZone?: string | null;
  tags?: string[];
  preferences?: ContactPreferences;
}

/** Locks a customer to change it; a merged one is changed as the customer it was merged into. */
export async function lockLiveCustomer(trx: Trx, id: string): Promise<CustomerRow> {
  let row = await lockCustomerById(trx, id);
  for (let hops = 0; row?.merged_into && hops < 10; hops++)
    row = await lockCustomerById(trx, row.merged_into);
  if (!row) throw notFound('Customer', id);
  return row;
}

/** Changes what support (or the customer, through an unsubscribe link) may change; one event. */
export async function changeCustomerInTransaction(
  trx: Trx,
  id: string,
  changes: CustomerChanges,
  actor: string,
  expectedVersion?: number,
): Promise<CustomerRecord> {
  const current = await lockLiveCustomer(trx, id);
  if (expectedVersion !== undefined && expectedVersion !== current.version) {
    throw new AppError('stale_version', `Customer ${id} is at version ${current.version}`, {
      currentVersion: current.version,
    });
  }
  const tags = changes.tags && [...new Set(changes.tags.map((t) => t.trim()))];
  const next = {
    ...(changes.name !== undefined ? { name: changes.name } : {}),
    ...(changes.locale !== undefined ? { locale: changes.locale } : {}),
    ...(changes.timeZone !== undefined ? { time_zone: changes.timeZone } : {}),
    ...(tags ? { tags: JSON.stringify(tags) } : {}),
    ...(changes.preferences
      ? {
          contact_preferences: JSON.stringify(
            withPreferences(current.contact_preferences, changes.preferences),
          ),
        }
      : {}),
  };
  const changed = Object.keys(changes).filter((k) => changes[k as keyof CustomerChanges] !== undefined);
  if (changed.length === 0) return toCustomerRecord(current);
  const updated = await updateCustomer(trx, current.id, next);
  await insertCustomerTimeline(trx, {
    customer_id: current.id,
    kind: 'customer.updated',
    actor,
    message: `Changed ${changed.join(', ')}`,
    data: { changed },
  });
  await enqueue(trx, 'customers', current.id, [
    { type: 'customer.updated', data: { customer: toCustomerSnapshot(updated), changed } },
  ]);
  return toCustomerRecord(updated);
}

export const changeCustomer = (
  db: Db,
  id: string,
  changes: CustomerChanges,
  actor: string,
  version?: number,
) => inTransaction(db, (trx) => changeCustomerInTransaction(trx, id, changes, actor, version));

/**
 * One switch, as an unsubscribe link turns it (notifications): delivery updates by e-mail off, say.
 * One change (one version, one event) however many channels it covers.
 */
export const setContactPreference = (
  trx: Trx,
  customerId: string,
  category: SwitchableCategory,
  channels: readonly ContactChannel[],
  allowed: boolean,
  actor: string,
) =>
  changeCustomerInTransaction(
    trx,
    customerId,
    { preferences: { [category]: Object.fromEntries(channels.map((ch) => [ch, allowed])) } },
    actor,
  );
