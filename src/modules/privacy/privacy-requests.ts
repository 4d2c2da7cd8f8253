import { currentActor } from '../../platform/audit/audit-context.js';
import { recordChange } from '../../platform/audit/audit-recorder.js';
import type { Db, Trx } from '../../platform/db/database.js';
import { inTransaction } from '../../platform/db/transaction.js';
import { AppError, notFound } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { scrubText } from '../../platform/privacy/private-logging.js';
import { enqueue } from '../sync/index.js';
import {
  customerFamily,
  customerOrderIds,
  eraseCustomerData,
  findCustomerRow,
  openOrders,
  personalValues,
  readCustomerArchive,
} from './customer-data.repository.js';
import { Scrubber } from './personal-values.js';
import {
  claimQueuedRequest,
  findPrivacyRequest,
  finishRequest,
  insertPrivacyRequest,
  queuedRequestIds,
} from './privacy.repository.js';
import type { PrivacyRequestKind } from './privacy.tables.js';

/** The customer a request is about; a merged customer's id answers as the customer it was merged into. */
async function requestedCustomer(trx: Trx, id: string): Promise<string> {
  let row = await findCustomerRow(trx, id);
  for (let hops = 0; row?.merged_into && hops < 10; hops++) row = await findCustomerRow(trx, row.merged_into);
  if (!row) throw notFound('Customer', id);
  return row.id;
}

async function refuseOpenOrders(trx: Trx, customerId: string, orderIds: string[]): Promise<void> {
  const open = await openOrders(trx, orderIds);
  if (open.length === 0) return;
  throw new AppError(
    'conflict',
    `Customer ${customerId} has ${open.length} open order(s), which must be delivered, cancelled or closed before erasure: ${open.map((o) => `${o.number} (${o.status})`).join(', ')}`,
    { openOrders: open },
  );
}

/**
 * Records a request to export or erase a customer's data, as a job (run by runQueuedRequests) and an
 * event. An erasure of a customer with open orders is refused here, naming them, and changes nothing.
 */
export function requestPrivacyJob(db: Db, kind: PrivacyRequestKind, id: string) {
  return inTransaction(db, async (trx) => {
    const customerId = await requestedCustomer(trx, id);
    const orderIds = await customerOrderIds(trx, await customerFamily(trx, customerId));
    if (kind === 'erase') await refuseOpenOrders(trx, customerId, orderIds);
    const actor = currentActor();
    const request = await insertPrivacyRequest(trx, {
      id: newId(),
      kind,
      customer_id: customerId,
      requested_by: actor.name ?? actor.role,
      order_ids: orderIds,
    });
    await recordChange(trx, {
      action: `customer.${kind}`,
      resource: 'customers',
      resourceId: customerId,
      after: { requestId: request.id, orders: orderIds.length },
    });
    // A request for their data is announced at once, so connected systems gather theirs; an erasure
    // when it is done (customer.redacted), so that no system erases before this one could refuse.
    if (kind === 'export')
      await enqueue(trx, 'privacy', customerId, [
        { type: 'customer.data_requested', data: { customerId, requestId: request.id, orderIds } },
      ]);
    return request;
  });
}

export async function getPrivacyRequest(db: Db, id: string) {
  const request = await findPrivacyRequest(db, id);
  if (!request) throw notFound('Privacy request', id);
  return request;
}

/** Runs a queued request in one transaction: its work and its status commit together, or neither. */
async function runOne(trx: Trx, id: string): Promise<boolean> {
  const request = await claimQueuedRequest(trx, id);
  if (!request) return false; // done meanwhile, or another process is running it
  const customerIds = await customerFamily(trx, request.customer_id);
  const orderIds = await customerOrderIds(trx, customerIds);
  if (request.kind === 'export') {
    const archive = {
      format: 'ordersync.customer-data/1',
      requestId: request.id,
      customerId: request.customer_id,
      exportedAt: new Date().toISOString(),
      ...(await readCustomerArchive(trx, customerIds, orderIds)),
    };
    await finishRequest(trx, request.id, { status: 'done', order_ids: orderIds, archive });
    return true;
  }
  await refuseOpenOrders(trx, request.customer_id, orderIds);
  const scrubber = new Scrubber(await personalValues(trx, customerIds, orderIds));
  await eraseCustomerData(trx, customerIds, orderIds, scrubber);
  await enqueue(trx, 'privacy', request.customer_id, [
    { type: 'customer.redacted', data: { customerId: request.customer_id, requestId: request.id, orderIds } },
  ]);
  await finishRequest(trx, request.id, { status: 'done', order_ids: orderIds });
  return true;
}

/**
 * Runs the queued requests, each in its own transaction; safe in several processes (SKIP LOCKED: a
 * request another process is running is left to it). A request that fails (an order placed since is
 * still open) is marked failed with the reason, which names orders, not people.
 */
export async function runQueuedRequests(db: Db, limit = 100): Promise<number> {
  let ran = 0;
  for (const id of await queuedRequestIds(db, limit)) {
    try {
      if (await inTransaction(db, (trx) => runOne(trx, id))) ran++;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      await finishRequest(db, id, { status: 'failed', error: scrubText(message) });
      ran++;
    }
  }
  return ran;
}
