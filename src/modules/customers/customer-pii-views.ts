import { recordChange } from '../../platform/audit/audit-recorder.js';
import type { Db } from '../../platform/db/database.js';
import { inTransaction } from '../../platform/db/transaction.js';
import { findLiveCustomer } from './customer-queries.js';
import { toCustomerAddress } from './customer-views.js';
import { findAddresses } from './customers.repository.js';

/**
 * A customer's contact and addresses in full, for a role that sees them masked (support): the reason
 * and the caller are recorded in the audit trail in the transaction that reads them, so no unaudited
 * read happens — as for an order (POST /v1/orders/{id}/pii-views). A merged customer answers as the
 * customer it was merged into.
 */
export async function openCustomerPersonalData(db: Db, id: string, reason: string) {
  return inTransaction(db, async (trx) => {
    const customer = await findLiveCustomer(trx, id);
    const addresses = await findAddresses(trx, customer.id);
    await recordChange(trx, {
      action: 'customer.pii_view',
      resource: 'customer',
      resourceId: customer.id,
      detail: { reason, fields: ['contact', ...addresses.map((a) => `addresses.${a.id}`)] },
    });
    return {
      customerId: customer.id,
      customer: { name: customer.name, email: customer.email, phone: customer.phone },
      addresses: addresses.map(toCustomerAddress),
    };
  });
}
